package io.flinkinference.asyncbatch.metrics;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Decides which records the {@code recordLatencyMs} histogram measures: each record independently,
 * with probability {@code 1 / interval}.
 *
 * <p>Measuring a record means reading the processing-time clock when it arrives; at millions of
 * records per second that read was a third of the operator's time, for a histogram that keeps only
 * the last {@value AsyncBatchMetrics#HISTOGRAM_WINDOW_SIZE} values anyway. The choice is random
 * rather than every n-th record so that the sample is not tied to a record's position in its batch
 * (the first records of a batch wait longest), whatever the batch size. The generator is an inline
 * xorshift: {@code ThreadLocalRandom.nextInt(bound)} per record cost more than the clock read it
 * saves.
 *
 * <p>Not thread-safe; used from the task thread only.
 */
public final class RecordLatencySampler {

    /** Random bits compared per record; the probability is exact for power-of-two intervals. */
    private static final int BITS = 24;

    private final long threshold;
    private long state;

    /**
     * @param interval on average one record in {@code interval} is measured; 1 measures every
     *     record
     */
    public RecordLatencySampler(int interval) {
        this(interval, ThreadLocalRandom.current().nextLong());
    }

    RecordLatencySampler(int interval, long seed) {
        if (interval < 1) {
            throw new IllegalArgumentException(
                    "the record latency sample interval must be at least 1: " + interval);
        }
        this.threshold = (1L << BITS) / interval;
        this.state = seed == 0 ? 1 : seed; // xorshift's state must not be zero
    }

    /** Whether the record arriving now is measured. */
    public boolean sampleNext() {
        long x = state;
        x ^= x << 13;
        x ^= x >>> 7;
        x ^= x << 17;
        state = x;
        return (x >>> (Long.SIZE - BITS)) < threshold;
    }
}
