package io.flinkinference.asyncbatch.batching;

import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

import java.util.List;

/**
 * The records collected for the next batch: each one's value, timestamp, and the processing time it
 * arrived at ({@link #NOT_TIMED} for a record whose arrival was not measured).
 *
 * <p>Values and timestamps are kept in arrays rather than as the {@link StreamRecord}s they came
 * in: the records would otherwise be held until their batch is emitted, and the function's input
 * list and the emission loop would read through them.
 *
 * <p>Holds at most {@code maxBatchSize} records: the operator sends the batch as soon as it is
 * full, so adding to a full buffer is a bug and is refused. Not thread-safe; used from the task
 * thread only.
 */
public final class BatchBuffer<IN> {

    /** The arrival time of a record whose arrival was not measured. */
    public static final long NOT_TIMED = Long.MIN_VALUE;

    /**
     * The timestamp of a record that has none: Flink's own convention ({@code
     * TimestampAssigner.NO_TIMESTAMP}), so a record stamped {@code Long.MIN_VALUE} is emitted
     * without one.
     */
    public static final long NO_TIMESTAMP = Long.MIN_VALUE;

    private final int maxBatchSize;
    private Object[] values;
    private long[] timestamps;
    private long[] arrivals;
    private int size;

    public BatchBuffer(int maxBatchSize) {
        if (maxBatchSize < 1) {
            throw new IllegalArgumentException("maxBatchSize must be at least 1: " + maxBatchSize);
        }
        this.maxBatchSize = maxBatchSize;
        reset();
    }

    /**
     * Adds a record that arrived at {@code arrivalMillis} ({@link #NOT_TIMED} if not measured).
     * Keeps the record's value, not the record.
     *
     * @return whether the buffer is now full
     */
    public boolean add(StreamRecord<IN> record, long arrivalMillis) {
        if (size == maxBatchSize) {
            throw new IllegalStateException(
                    "batch buffer is full (" + maxBatchSize + " records); send it first");
        }
        values[size] = record.getValue();
        timestamps[size] = record.hasTimestamp() ? record.getTimestamp() : NO_TIMESTAMP;
        arrivals[size] = arrivalMillis;
        size++;
        return size == maxBatchSize;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    public int size() {
        return size;
    }

    /** The buffered records, oldest first, rebuilt as {@link StreamRecord}s (for snapshots). */
    public List<StreamRecord<IN>> records() {
        return view().records();
    }

    /** Removes and returns everything buffered; the buffer is empty afterwards. */
    public BufferedBatch<IN> drain() {
        // Hands the arrays over rather than copying them: a batch is sent once and the buffer
        // starts afresh, so nothing else holds them.
        BufferedBatch<IN> batch = view();
        reset();
        return batch;
    }

    private BufferedBatch<IN> view() {
        return new BufferedBatch<>(values, timestamps, arrivals, size);
    }

    private void reset() {
        values = new Object[maxBatchSize];
        timestamps = new long[maxBatchSize];
        arrivals = new long[maxBatchSize];
        size = 0;
    }
}
