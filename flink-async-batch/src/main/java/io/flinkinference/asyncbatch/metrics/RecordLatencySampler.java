package io.flinkinference.asyncbatch.metrics;

import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Decides which records the {@code recordLatencyMs} histogram measures: on average one in {@code
 * interval}, each position of a batch equally likely.
 *
 * <p>Measuring a record means reading the processing-time clock when it arrives; at millions of
 * records per second that read was a third of the operator's time, for a histogram that keeps only
 * the last {@value AsyncBatchMetrics#HISTOGRAM_WINDOW_SIZE} values anyway. The choice is random
 * rather than every n-th record so that the sample is not tied to a record's position in its batch
 * (the first records of a batch wait longest), whatever the batch size.
 *
 * <p>The positions are drawn once per batch ({@link #nextBatch()}): {@code maxBatchSize / interval}
 * of them (rounded up or down at random so that the mean is exact), distinct and uniformly chosen
 * (Floyd's algorithm). Asking about a record ({@link #isSampled(int)}) is then a bit test, with no
 * random draw and no write per record.
 *
 * <p>Not thread-safe; used from the task thread only.
 */
public final class RecordLatencySampler {

    private final int interval;
    private final int maxBatchSize;
    private final long[] sampled;
    private long state;

    /**
     * @param interval on average one record in {@code interval} is measured; 1 measures every
     *     record
     * @param maxBatchSize the most records in a batch: positions are {@code 0..maxBatchSize-1}
     */
    public RecordLatencySampler(int interval, int maxBatchSize) {
        this(interval, maxBatchSize, ThreadLocalRandom.current().nextLong());
    }

    RecordLatencySampler(int interval, int maxBatchSize, long seed) {
        if (interval < 1) {
            throw new IllegalArgumentException(
                    "the record latency sample interval must be at least 1: " + interval);
        }
        if (maxBatchSize < 1) {
            throw new IllegalArgumentException("maxBatchSize must be at least 1: " + maxBatchSize);
        }
        this.interval = interval;
        this.maxBatchSize = maxBatchSize;
        this.sampled = new long[(maxBatchSize + Long.SIZE - 1) / Long.SIZE];
        this.state = seed == 0 ? 1 : seed; // xorshift's state must not be zero
        nextBatch();
    }

    /** Whether the record at {@code position} of the current batch is measured. */
    public boolean isSampled(int position) {
        return (sampled[position >>> 6] & (1L << position)) != 0;
    }

    /** Draws the positions measured in the next batch; call whenever a batch starts afresh. */
    public void nextBatch() {
        if (interval == 1) {
            Arrays.fill(sampled, -1L);
            return;
        }
        Arrays.fill(sampled, 0L);
        int count = maxBatchSize / interval;
        if (nextInt(interval) < maxBatchSize % interval) {
            count++; // so that the mean count is exactly maxBatchSize / interval
        }
        // Floyd: count distinct positions out of maxBatchSize, each subset equally likely.
        for (int j = maxBatchSize - count; j < maxBatchSize; j++) {
            int t = nextInt(j + 1);
            set(isSampled(t) ? j : t);
        }
    }

    private void set(int position) {
        sampled[position >>> 6] |= 1L << position;
    }

    /** Uniform in {@code [0, bound)}: xorshift64, then Lemire's multiply-shift. */
    private int nextInt(int bound) {
        long x = state;
        x ^= x << 13;
        x ^= x >>> 7;
        x ^= x << 17;
        state = x;
        return (int) (((x >>> 32) * bound) >>> 32);
    }
}
