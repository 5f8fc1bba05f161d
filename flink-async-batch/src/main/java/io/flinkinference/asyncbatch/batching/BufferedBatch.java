package io.flinkinference.asyncbatch.batching;

import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

import java.util.List;

/**
 * The records of one batch as they left the {@link BatchBuffer}, with their arrival times.
 *
 * @param records the records, in arrival order
 * @param arrivals processing time at which {@code records.get(i)} arrived, or {@link
 *     BatchBuffer#NOT_TIMED}; may be longer than {@code records}, the rest is unused
 */
public record BufferedBatch<IN>(List<StreamRecord<IN>> records, long[] arrivals) {}
