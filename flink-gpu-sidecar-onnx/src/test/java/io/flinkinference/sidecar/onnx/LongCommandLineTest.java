package io.flinkinference.sidecar.onnx;

import org.apache.flink.configuration.Configuration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * ONNX Runtime 1.29.0 overflows a 1 MiB native stack when the JVM's command line is longer than
 * about 4 KiB (see {@link OrtEnvironments}); {@code bin/sidecar} launches with a long {@code -cp}.
 * This starts a real child JVM with a 20 KB command line and opens the default backend in it.
 */
@Timeout(120)
class LongCommandLineTest {

    @Test
    void backendOpensInAJvmWithALongCommandLine() throws Exception {
        String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        String padding = "x".repeat(20_000);
        Process child =
                new ProcessBuilder(
                                List.of(
                                        java,
                                        "-Xss1m",
                                        "-Dlong.command.line=" + padding,
                                        "-cp",
                                        System.getProperty("java.class.path")
                                                + File.pathSeparator
                                                + padding,
                                        OpenDefaultBackend.class.getName()))
                        .redirectErrorStream(true)
                        .start();
        boolean exited = child.waitFor(100, TimeUnit.SECONDS);
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!exited) {
            child.destroyForcibly();
        }

        assertThat(exited).as("child JVM exited; output:%n%s", output).isTrue();
        assertThat(child.exitValue()).as("exit code; output:%n%s", output).isZero();
        assertThat(output).contains("opened all-minilm-l6-v2");
    }

    /** The child JVM's main class. */
    public static final class OpenDefaultBackend {
        public static void main(String[] args) throws Exception {
            try (OnnxBackend backend = new OnnxBackend()) {
                backend.open(new Configuration());
                System.out.println("opened " + backend.info().getName());
            }
        }
    }
}
