package io.flinkinference.sidecar.metrics;

import org.apache.flink.metrics.HistogramStatistics;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class HdrHistogramMetricTest {

    @Test
    void reportsCountQuantilesAndExtremes() {
        HdrHistogramMetric h = new HdrHistogramMetric(1_000_000);
        for (int i = 1; i <= 100; i++) {
            h.update(i);
        }
        HistogramStatistics s = h.getStatistics();
        assertThat(h.getCount()).isEqualTo(100);
        assertThat(s.size()).isEqualTo(100);
        assertThat(s.getMin()).isEqualTo(1);
        assertThat(s.getMax()).isEqualTo(100);
        assertThat(s.getMean()).isCloseTo(50.5, within(0.5));
        assertThat(s.getQuantile(0.5)).isCloseTo(50, within(1.0));
        assertThat(s.getQuantile(0.99)).isCloseTo(99, within(1.0));
        assertThat(s.getValues()).hasSize(100);
    }

    @Test
    void clampsOutOfRangeValuesInsteadOfGrowing() {
        HdrHistogramMetric h = new HdrHistogramMetric(1000);
        h.update(-5);
        h.update(1_000_000_000L);
        assertThat(h.getStatistics().getMin()).isZero();
        assertThat(h.getStatistics().getMax()).isBetween(1000L, 1010L);
    }

    @Test
    void emptyStatisticsAreZero() {
        HistogramStatistics s = new HdrHistogramMetric(10).getStatistics();
        assertThat(s.size()).isZero();
        assertThat(s.getMean()).isZero();
        assertThat(s.getMax()).isZero();
        assertThat(s.getValues()).isEmpty();
    }
}
