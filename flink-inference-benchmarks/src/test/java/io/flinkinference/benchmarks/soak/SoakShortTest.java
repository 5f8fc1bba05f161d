package io.flinkinference.benchmarks.soak;

import io.flinkinference.benchmarks.harness.MachineFacts;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The short soak ({@code bin/soak --minutes 2}) as a CI test: the only speed-independent criterion
 * {@code mvn verify} checks. Two minutes, 30 s warm-up, a sample every 4.5 s: a leak of even 100
 * bytes per request (about 10 MB over the fitted span at this load), or of one thread or fd per
 * reconnect (a stream every 10 s), shows as far more than 2% growth.
 */
class SoakShortTest {

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void twoMinuteSoakShowsNoGrowthAndMatchingCounters() throws Exception {
        SoakRun.Result result = SoakRun.run(SoakSettings.forMinutes(2), sample -> {});

        Path report = Path.of("target", "soak-short", "soak.md");
        SoakReport.write(
                report,
                "mvn -B -pl flink-inference-benchmarks verify (SoakShortTest)",
                MachineFacts.current(),
                "",
                result);
        String verdict = SoakReport.verdict(result);

        assertThat(result.client().succeeded()).as(verdict).isPositive();
        assertThat(result.client().rejected()).as(verdict).isPositive();
        assertThat(result.client().expired()).as(verdict).isPositive();
        assertThat(result.client().failed()).as(verdict).isPositive();
        assertThat(result.streamsOpened()).as(verdict).isGreaterThan(4);
        assertThat(result.channelsOpened()).as(verdict).isGreaterThan(1);
        assertThat(result.counters().matches()).as(verdict).isTrue();
        assertThat(result.unanswered()).as(verdict).isZero();
        assertThat(result.leakFree()).as(verdict).isTrue();
        assertThat(result.passed()).as(verdict).isTrue();
        assertThat(Files.readString(report)).contains("## Result: PASSED");
    }
}
