package io.flinkinference.asyncbatch.batching;

import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.RandomAccess;

/**
 * The records of one batch, in arrival order: values, timestamps and arrival times. A batch that
 * left the {@link BatchBuffer} owns its arrays, and nothing changes them afterwards; the view the
 * buffer makes of itself for a snapshot reads the buffer's live arrays and is used at once.
 */
public final class BufferedBatch<IN> {

    private final long[] timestamps;
    private final long[] arrivals;
    private final int size;
    private final List<IN> valueList;

    BufferedBatch(Object[] values, long[] timestamps, long[] arrivals, int size) {
        this.timestamps = timestamps;
        this.arrivals = arrivals;
        this.size = size;
        this.valueList = new Values<>(values, size);
    }

    public int size() {
        return size;
    }

    /** The values as an unmodifiable list that reads the batch's array (no copy). */
    public List<IN> values() {
        return valueList;
    }

    public boolean hasTimestamp(int index) {
        return timestamps[index] != BatchBuffer.NO_TIMESTAMP;
    }

    public long timestamp(int index) {
        return timestamps[index];
    }

    /**
     * Processing time at which record {@code index} arrived, or {@link BatchBuffer#NOT_TIMED} if
     * not measured.
     */
    public long arrival(int index) {
        return arrivals[index];
    }

    /** The index of the record with the largest timestamp, or -1 if none has one. */
    public int latestTimestamped() {
        int latest = -1;
        for (int i = 0; i < size; i++) {
            if (hasTimestamp(i) && (latest < 0 || timestamps[i] > timestamps[latest])) {
                latest = i;
            }
        }
        return latest;
    }

    /** The records rebuilt as {@link StreamRecord}s, in arrival order (for snapshots). */
    public List<StreamRecord<IN>> records() {
        List<StreamRecord<IN>> records = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            IN value = valueList.get(i);
            records.add(
                    hasTimestamp(i)
                            ? new StreamRecord<>(value, timestamps[i])
                            : new StreamRecord<>(value));
        }
        return records;
    }

    /** An unmodifiable list over the first {@code size} entries of an array. */
    private static final class Values<IN> extends AbstractList<IN> implements RandomAccess {
        private final Object[] values;
        private final int size;

        Values(Object[] values, int size) {
            this.values = values;
            this.size = size;
        }

        @Override
        @SuppressWarnings("unchecked")
        public IN get(int index) {
            if (index >= size) {
                throw new IndexOutOfBoundsException("index " + index + ", size " + size);
            }
            return (IN) values[index];
        }

        @Override
        public int size() {
            return size;
        }

        @Override
        public Object[] toArray() {
            return Arrays.copyOf(values, size); // AbstractCollection's would use an iterator
        }
    }
}
