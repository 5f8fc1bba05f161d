package io.flinkinference.sidecar;

import io.flinkinference.sidecar.backend.mock.MockBackendOptions;
import io.flinkinference.sidecar.config.OptionsHelp;
import io.flinkinference.sidecar.testing.Eventually;

import org.apache.flink.configuration.ConfigOption;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The command line: --help, exit code 2 for bad configuration, SIGTERM → graceful exit 0. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SidecarMainTest {

    private record Run(int code, String out, String err) {}

    private static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code =
                SidecarMain.run(
                        args,
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(
                code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void helpListsEveryOptionWithDefaultAndDescription() {
        Run run = run("--help");
        assertThat(run.code()).isZero();
        List<ConfigOption<?>> all = new ArrayList<>(SidecarOptions.ALL);
        all.add(MockBackendOptions.LATENCY_FIXED);
        all.add(MockBackendOptions.LATENCY_PER_ITEM);
        all.add(MockBackendOptions.MODEL_NAME);
        for (ConfigOption<?> option : all) {
            assertThat(run.out())
                    .contains(
                            "  "
                                    + option.key()
                                    + "\n      default: "
                                    + OptionsHelp.defaultText(option));
        }
        assertThat(run.out())
                .contains("default: 127.0.0.1:50051")
                .contains("default: 4 mb")
                .contains("metrics.reporter.<name>.factory.class");
    }

    @Test
    void badConfigurationExitsWithTwoNamingTheOption() {
        Run run = run("-Dsidecar.queue.max-length=lots");
        assertThat(run.code()).isEqualTo(2);
        assertThat(run.err()).contains("sidecar.queue.max-length");

        assertThat(run("-Dsidecar.backend=tensorflow").err()).contains("sidecar.backend");
        assertThat(run("--bogus").code()).isEqualTo(2);
        assertThat(run("--config", "/nonexistent.yaml").code()).isEqualTo(2);
    }

    @Test
    void processLogsOneReadyLineAndExitsZeroOnSigterm(@TempDir Path dir) throws Exception {
        String java =
                System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        File log = dir.resolve("sidecar.log").toFile();
        Process process =
                new ProcessBuilder(
                                java,
                                "-cp",
                                System.getProperty("java.class.path"),
                                SidecarMain.class.getName(),
                                "-Dsidecar.rpc.endpoint=127.0.0.1:0")
                        .redirectErrorStream(true)
                        .redirectOutput(log)
                        .start();
        try {
            Pattern ready =
                    Pattern.compile(
                            "sidecar listening on 127\\.0\\.0\\.1:(\\d+)"
                                    + " \\(backend=mock, model=mock\\)");
            Eventually.await(
                    "the ready line",
                    () -> ready.matcher(read(log)).find() || !process.isAlive(),
                    () -> read(log),
                    Duration.ofSeconds(40));
            Matcher m = ready.matcher(read(log));
            assertThat(m.find()).as(read(log)).isTrue();
            assertThat(Integer.parseInt(m.group(1))).isPositive();

            process.destroy(); // SIGTERM
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(process.exitValue()).as(read(log)).isZero();
            String output = read(log);
            assertThat(output).contains("sidecar stopped");
            assertThat(output.split("sidecar listening on", -1)).hasSize(2); // exactly one line
        } finally {
            process.destroyForcibly();
        }
    }

    private static String read(File file) {
        try {
            return Files.readString(file.toPath());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
