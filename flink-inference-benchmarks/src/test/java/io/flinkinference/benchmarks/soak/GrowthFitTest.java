package io.flinkinference.benchmarks.soak;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class GrowthFitTest {

    @Test
    @Timeout(5)
    void flatSeriesHasNoGrowth() {
        GrowthFit fit = GrowthFit.of(List.of(0.0, 10.0, 20.0, 30.0), List.of(5.0, 5.0, 5.0, 5.0));
        assertThat(fit.growth()).isZero();
        assertThat(fit.start()).isEqualTo(5.0);
    }

    @Test
    @Timeout(5)
    void linearGrowthIsRelativeToTheFittedStart() {
        // 100 → 110 over 60 s: 10% growth, 10 per minute.
        GrowthFit fit =
                GrowthFit.of(
                        List.of(30.0, 50.0, 70.0, 90.0), List.of(100.0, 103.333, 106.667, 110.0));
        assertThat(fit.growth()).isCloseTo(0.10, within(1e-4));
        assertThat(fit.slopePerMinute()).isCloseTo(10.0, within(1e-3));
    }

    @Test
    @Timeout(5)
    void fitsOnlyTheSamplesAfterTheWarmUp() {
        List<ProcessSample> samples =
                List.of(
                        new ProcessSample(0, 1, 10, 5, 0, 10),
                        new ProcessSample(10, 50, 100, 50, 0, 50),
                        new ProcessSample(20, 50, 100, 50, 0, 50),
                        new ProcessSample(30, 50, 100, 50, 0, 50));
        List<GrowthFit> fits = SoakRun.fits(samples, java.time.Duration.ofSeconds(10));
        assertThat(fits).allSatisfy(f -> assertThat(f.growth()).isZero());
    }
}
