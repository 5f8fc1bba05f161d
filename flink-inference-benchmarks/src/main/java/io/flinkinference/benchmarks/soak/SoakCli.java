package io.flinkinference.benchmarks.soak;

import io.flinkinference.benchmarks.harness.MachineFacts;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code bin/soak --minutes N}: the leak soak of the sidecar; writes docs/soak.md. */
@Command(
        name = "soak",
        mixinStandardHelpOptions = true,
        description =
                "Runs the sidecar under steady mixed load, samples heap/RSS/threads/direct"
                        + " memory/fds, prints the pass criterion and writes docs/soak.md.")
public final class SoakCli implements Callable<Integer> {

    @Option(names = "--minutes", defaultValue = "30", description = "Run length (default 30).")
    private double minutes;

    @Option(
            names = "--out",
            defaultValue = "docs/soak.md",
            description = "The report (plot next to it); default ${DEFAULT-VALUE}.")
    private Path out;

    @Option(names = "--machine-note", defaultValue = "", description = "A note on the machine.")
    private String machineNote;

    @Option(names = "--command", hidden = true)
    private String command;

    public static void main(String[] args) {
        System.exit(new CommandLine(new SoakCli()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        SoakSettings settings = SoakSettings.forMinutes(minutes);
        MachineFacts machine = MachineFacts.current();
        System.err.printf(
                Locale.ROOT,
                "soak: %s, warm-up %d s, a sample every %d s%n",
                settings.duration(),
                settings.warmup().toSeconds(),
                settings.sampleEvery().toSeconds());
        SoakRun.Result result =
                SoakRun.run(
                        settings,
                        s ->
                                System.err.printf(
                                        Locale.ROOT,
                                        "[%4.0fs / %ds] heap %.1f MiB, RSS %.1f MiB, %.0f threads,"
                                                + " direct %.2f MiB, %.0f fds%n",
                                        s.seconds(),
                                        settings.duration().toSeconds(),
                                        s.heapAfterGcMb(),
                                        s.rssMb(),
                                        s.threads(),
                                        s.directMb(),
                                        s.openFds()));
        SoakReport.print(System.out, result);
        String cmd =
                command != null
                        ? command
                        : String.format(Locale.ROOT, "bin/soak --minutes %s", minutes);
        SoakReport.write(out, cmd.strip(), machine, machineNote, result);
        System.out.println("report written to " + out);
        return result.passed() ? 0 : 1;
    }
}
