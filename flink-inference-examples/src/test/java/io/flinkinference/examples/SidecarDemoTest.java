package io.flinkinference.examples;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** Runs the demo as bin/demo does (embedded sidecar, embedded MiniCluster), but small. */
class SidecarDemoTest {

    @Test
    @Timeout(value = 180, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void mockDemoRunsAndItsSummaryChecksPass() {
        String printed =
                run(
                        0,
                        "--backend",
                        "mock",
                        "--records",
                        "3000",
                        "--parallelism",
                        "2",
                        "--batch-size",
                        "16");
        assertThat(printed)
                .contains("3,000 records (64-element float32 vectors)")
                .contains("embedded, mock backend (identity)")
                .contains("answered 3,000   distinct 3,000   correct 3,000   duplicates 0")
                .containsPattern("requestsSent / requestsReceived +3,000 +3,000")
                .containsPattern("responsesOk / requestsSucceeded +3,000 +3,000")
                .contains("[ok]   every answer equals its input")
                .contains("all checks passed")
                .doesNotContain("nearest generated sentences")
                .doesNotContain("[FAIL]");
    }

    /** The default backend: real all-MiniLM-L6-v2 on ONNX Runtime, a few hundred sentences. */
    @Test
    @Timeout(value = 180, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void onnxDemoEmbedsSentencesAndFindsEachQuerysTopic() {
        String printed = run(0, "--records", "300", "--parallelism", "2", "--batch-size", "16");
        assertThat(printed)
                .contains("embedded, onnx backend (all-MiniLM-L6-v2")
                .contains("answered 300   distinct 300   correct 300   duplicates 0")
                .containsPattern("requestsSent / requestsReceived +300 +300")
                .containsPattern("responsesOk / requestsSucceeded +300 +300")
                .contains("[ok]   every answer is a 384-float embedding with unit L2 norm")
                .contains("nearest generated sentences to each query")
                .contains("\"How do I bake fresh bread at home?\"")
                .contains(
                        "[ok]   every query embedded (6 of 6) and every other sentence scored"
                                + " against them (294 of 294)")
                .contains("[ok]   each query's nearest sentence is from the query's topic (6 of 6)")
                .contains("[ok]   each query is closer on average to its own topic")
                .contains("all checks passed")
                .doesNotContain("[FAIL]");
    }

    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void onnxNeedsMoreRecordsThanQueries() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        CommandLine cli = new CommandLine(new SidecarDemo());
        cli.setErr(new java.io.PrintWriter(err, true, StandardCharsets.UTF_8));
        assertThat(cli.execute("--records", "6")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("more than 6 --records");
    }

    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void helpListsTheFlags() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CommandLine cli = new CommandLine(new SidecarDemo());
        cli.setOut(new java.io.PrintWriter(bytes, true, StandardCharsets.UTF_8));
        assertThat(cli.execute("--help")).isZero();
        assertThat(bytes.toString(StandardCharsets.UTF_8))
                .contains(
                        "--backend",
                        "--records",
                        "--rate",
                        "--batch-size",
                        "--in-flight",
                        "--sidecar",
                        "all-MiniLM-L6-v2");
    }

    private static String run(int expectedExit, String... args) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        int exit = new CommandLine(new SidecarDemo(out)).execute(args);
        String printed = bytes.toString(StandardCharsets.UTF_8);
        assertThat(exit).as(printed).isEqualTo(expectedExit);
        return printed;
    }
}
