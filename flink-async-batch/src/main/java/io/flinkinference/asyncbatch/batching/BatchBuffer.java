package io.flinkinference.asyncbatch.batching;

import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The records collected for the next batch, with the processing time each one arrived at.
 *
 * <p>Holds at most {@code maxBatchSize} records: the operator sends the batch as soon as it is
 * full, so adding to a full buffer is a bug and is refused. Not thread-safe; used from the task
 * thread only.
 */
public final class BatchBuffer<IN> {

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
     * Adds a record that arrived at {@code arrivalMillis}.
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

    /** Arrival time of the oldest buffered record; only for a non-empty buffer. */
    public long oldestArrival() {
        if (records.isEmpty()) {
            throw new IllegalStateException("buffer is empty");
        }
        return arrivals[0];
    }

    /** The buffered records, oldest first, without removing them (for snapshots). */
    public List<StreamRecord<IN>> records() {
        return records;
    }

    /** Removes and returns everything buffered; the buffer is empty afterwards. */
    public BufferedBatch<IN> drain() {
        BufferedBatch<IN> batch =
                new BufferedBatch<>(records, Arrays.copyOf(arrivals, records.size()));
        reset();
        return batch;
    }

    private void reset() {
        records = new ArrayList<>(maxBatchSize);
        arrivals = new long[maxBatchSize];
    }
}
