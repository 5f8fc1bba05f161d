package io.flinkinference.benchmarks.harness;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Latencies recorded with HdrHistogram (microsecond resolution, 3 significant digits), safe to
 * record from many threads.
 */
public final class Latency {

    private final Recorder recorder = new Recorder(3);
    private final Histogram total = new Histogram(3);

    public void recordNanos(long nanos) {
        recorder.recordValue(Math.max(0, nanos / 1_000));
    }

    /** Drops what was recorded so far (the warm-up). */
    public synchronized void reset() {
        recorder.getIntervalHistogram();
        total.reset();
    }

    /** Everything recorded since the last reset. */
    public synchronized Summary summary() {
        total.add(recorder.getIntervalHistogram());
        return Summary.of(total);
    }

    /** Percentiles in milliseconds. */
    public record Summary(long count, double p50, double p90, double p99, double p999, double max) {

        public static final Summary EMPTY = new Summary(0, 0, 0, 0, 0, 0);

        static Summary of(Histogram us) {
            if (us.getTotalCount() == 0) {
                return EMPTY;
            }
            return new Summary(
                    us.getTotalCount(),
                    us.getValueAtPercentile(50) / 1000.0,
                    us.getValueAtPercentile(90) / 1000.0,
                    us.getValueAtPercentile(99) / 1000.0,
                    us.getValueAtPercentile(99.9) / 1000.0,
                    us.getMaxValue() / 1000.0);
        }

        /** {@code p50 / p90 / p99 / p99.9 / max} in ms, for tables. */
        public String format() {
            return String.format(
                    "%s / %s / %s / %s / %s",
                    Format.ms(p50),
                    Format.ms(p90),
                    Format.ms(p99),
                    Format.ms(p999),
                    Format.ms(max));
        }
    }
}
