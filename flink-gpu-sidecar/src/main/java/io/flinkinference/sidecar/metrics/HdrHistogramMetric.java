package io.flinkinference.sidecar.metrics;

import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.HistogramStatistics;

import org.HdrHistogram.AtomicHistogram;
import org.HdrHistogram.HistogramIterationValue;

import java.util.ArrayList;
import java.util.List;

/**
 * A Flink {@link Histogram} backed by an HdrHistogram with fixed memory: values from 0 to {@code
 * highestTrackableValue} with two significant digits (about 1% relative error); larger values are
 * recorded as {@code highestTrackableValue}, negative ones as 0. It is cumulative since creation
 * (not a sliding window), so quantiles describe the whole life of the server.
 *
 * <p>Thread-safe: {@link #update(long)} is lock-free and may be called from any thread; {@link
 * #getStatistics()} returns a consistent-enough copy taken while recording may go on.
 */
public final class HdrHistogramMetric implements Histogram {

    private final long highestTrackableValue;
    private final AtomicHistogram histogram;

    /**
     * @param highestTrackableValue the largest value kept exactly (within 1%); at least 2
     */
    public HdrHistogramMetric(long highestTrackableValue) {
        if (highestTrackableValue < 2) {
            throw new IllegalArgumentException("highestTrackableValue must be >= 2");
        }
        this.highestTrackableValue = highestTrackableValue;
        this.histogram = new AtomicHistogram(highestTrackableValue, 2);
    }

    @Override
    public void update(long value) {
        histogram.recordValue(Math.max(0, Math.min(value, highestTrackableValue)));
    }

    @Override
    public long getCount() {
        return histogram.getTotalCount();
    }

    @Override
    public HistogramStatistics getStatistics() {
        return new Snapshot(histogram.copy());
    }

    private static final class Snapshot extends HistogramStatistics {
        private final org.HdrHistogram.Histogram copy;

        Snapshot(org.HdrHistogram.Histogram copy) {
            this.copy = copy;
        }

        @Override
        public double getQuantile(double quantile) {
            return copy.getValueAtPercentile(quantile * 100.0);
        }

        /** The distinct recorded values (one per non-empty bucket), not every sample. */
        @Override
        public long[] getValues() {
            List<Long> values = new ArrayList<>();
            for (HistogramIterationValue v : copy.recordedValues()) {
                values.add(copy.highestEquivalentValue(v.getValueIteratedTo()));
            }
            return values.stream().mapToLong(Long::longValue).toArray();
        }

        @Override
        public int size() {
            return (int) Math.min(Integer.MAX_VALUE, copy.getTotalCount());
        }

        @Override
        public double getMean() {
            return copy.getTotalCount() == 0 ? 0 : copy.getMean();
        }

        @Override
        public double getStdDev() {
            return copy.getTotalCount() == 0 ? 0 : copy.getStdDeviation();
        }

        @Override
        public long getMax() {
            return copy.getTotalCount() == 0 ? 0 : copy.getMaxValue();
        }

        @Override
        public long getMin() {
            return copy.getTotalCount() == 0 ? 0 : copy.getMinValue();
        }
    }
}
