package io.flinkinference.benchmarks;

import io.flinkinference.benchmarks.harness.ConsoleTable;
import io.flinkinference.benchmarks.harness.MachineFacts;
import io.flinkinference.benchmarks.harness.MarkdownReport;
import io.flinkinference.benchmarks.harness.Progress;
import io.flinkinference.benchmarks.harness.RunSettings;
import io.flinkinference.benchmarks.harness.ScenarioResult;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/**
 * {@code bin/bench [scenario] [--quick]}: runs the scenarios, prints a table, writes the report.
 */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description =
                "Runs the flink-inference benchmarks (all, or the one named), prints a table and"
                        + " writes docs/benchmarks.md with its plots.")
public final class BenchCli implements Callable<Integer> {

    @Parameters(
            arity = "0..1",
            paramLabel = "SCENARIO",
            completionCandidates = Scenarios.Names.class,
            description = "One scenario to run (default: all): ${COMPLETION-CANDIDATES}")
    private String scenario;

    @Option(names = "--quick", description = "Short windows and one repeat (under 5 minutes).")
    private boolean quick;

    @Option(names = "--repeats", description = "Runs per scenario (default 3, 1 with --quick).")
    private Integer repeats;

    @Option(
            names = "--report",
            negatable = true,
            description =
                    "Write the Markdown report and plots (default: on when all scenarios run).")
    private Boolean report;

    @Option(
            names = "--out",
            defaultValue = "docs/benchmarks.md",
            description = "The report file; plots go next to it (default: ${DEFAULT-VALUE}).")
    private Path out;

    @Option(
            names = "--machine-note",
            defaultValue = "",
            description = "A note on the machine for the report (e.g. what else was running).")
    private String machineNote;

    @Option(names = "--command", hidden = true, description = "The command line to document.")
    private String command;

    public static void main(String[] args) {
        System.exit(new CommandLine(new BenchCli()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        List<Scenario> selected = select();
        RunSettings settings = RunSettings.of(quick, repeats);
        MachineFacts machine = MachineFacts.current();
        Progress progress =
                new Progress(System.err, selected.stream().mapToInt(s -> s.steps(settings)).sum());
        List<ScenarioResult> results = new ArrayList<>();
        for (Scenario s : selected) {
            progress.scenario(s.name());
            results.add(s.run(settings, progress));
        }
        progress.finish();
        ConsoleTable.print(System.out, results);
        if (report != null ? report : scenario == null) {
            String cmd = command != null ? command : "bin/bench " + String.join(" ", argsText());
            MarkdownReport.write(out, cmd.strip(), machine, machineNote, settings, results);
            System.out.println("report written to " + out);
        }
        return 0;
    }

    private List<Scenario> select() {
        if (scenario == null) {
            return Scenarios.all();
        }
        return List.of(
                Scenarios.all().stream()
                        .filter(s -> s.name().equals(scenario))
                        .findFirst()
                        .orElseThrow(
                                () ->
                                        new CommandLine.ParameterException(
                                                new CommandLine(this),
                                                "unknown scenario '"
                                                        + scenario
                                                        + "'; one of: "
                                                        + Scenarios.all().stream()
                                                                .map(Scenario::name)
                                                                .collect(
                                                                        Collectors.joining(
                                                                                ", ")))));
    }

    private List<String> argsText() {
        List<String> args = new ArrayList<>();
        if (scenario != null) {
            args.add(scenario);
        }
        if (quick) {
            args.add("--quick");
        }
        if (repeats != null) {
            args.add("--repeats " + repeats);
        }
        return args;
    }
}
