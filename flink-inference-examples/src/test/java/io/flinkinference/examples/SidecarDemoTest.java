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
    void demoRunsAndItsSummaryChecksPass() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

        int exit =
                new CommandLine(new SidecarDemo(out))
                        .execute("--records", "3000", "--parallelism", "2", "--batch-size", "16");

        String printed = bytes.toString(StandardCharsets.UTF_8);
        assertThat(exit).as(printed).isZero();
        assertThat(printed)
                .contains("answered 3,000   distinct 3,000   correct 3,000   duplicates 0")
                .containsPattern("requestsSent / requestsReceived +3,000 +3,000")
                .containsPattern("responsesOk / requestsSucceeded +3,000 +3,000")
                .contains("all checks passed")
                .doesNotContain("[FAIL]");
    }

    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void helpListsTheFlags() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CommandLine cli = new CommandLine(new SidecarDemo());
        cli.setOut(new java.io.PrintWriter(bytes, true, StandardCharsets.UTF_8));
        assertThat(cli.execute("--help")).isZero();
        assertThat(bytes.toString(StandardCharsets.UTF_8))
                .contains("--records", "--rate", "--batch-size", "--in-flight", "--sidecar");
    }
}
