package io.flinkinference.asyncbatch.batching;

import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

import java.util.ArrayList;
import java.util.List;

/**
 * The records collected for the next batch, each with the processing time it arrived at, or {@link
 * #NOT_TIMED} for a record whose arrival was not measured.
 *
 * <p>Holds at most {@code maxBatchSize} records: the operator sends the batch as soon as it is
 * full, so adding to a full buffer is a bug and is refused. Not thread-safe; used from the task
 * thread only.
 */
public final class BatchBuffer<IN> {

    /** The arrival time of a record whose arrival was not measured. */
    public static final long NOT_TIMED = Long.MIN_VALUE;

    private final int maxBatchSize;
    private List<StreamRecord<IN>> records;
    private long[] arrivals;

    public BatchBuffer(int maxBatchSize) {
        if (maxBatchSize < 1) {
            throw new IllegalArgumentException("maxBatchSize must be at least 1: " + maxBatchSize);
        }
        this.maxBatchSize = maxBatchSize;
        reset();
    }

    /**
     * Adds a record that arrived at {@code arrivalMillis} ({@link #NOT_TIMED} if not measured).
     *
     * @return whether the buffer is now full
     */
    public boolean add(StreamRecord<IN> record, long arrivalMillis) {
        if (isFull()) {
            throw new IllegalStateException(
                    "batch buffer is full (" + maxBatchSize + " records); send it first");
        }
        arrivals[records.size()] = arrivalMillis;
        records.add(record);
        return isFull();
    }

    public boolean isEmpty() {
        return records.isEmpty();
    }

    public boolean isFull() {
        return records.size() >= maxBatchSize;
    }

    public int size() {
        return records.size();
    }

    /** The buffered records, oldest first, without removing them (for snapshots). */
    public List<StreamRecord<IN>> records() {
        return records;
    }

    /** Removes and returns everything buffered; the buffer is empty afterwards. */
    public BufferedBatch<IN> drain() {
        // Hands the arrays over rather than copying them: a batch is sent once and the buffer
        // starts afresh, so nothing else holds them.
        BufferedBatch<IN> batch = new BufferedBatch<>(records, arrivals);
        reset();
        return batch;
    }

    private void reset() {
        records = new ArrayList<>(maxBatchSize);
        arrivals = new long[maxBatchSize];
    }
}
