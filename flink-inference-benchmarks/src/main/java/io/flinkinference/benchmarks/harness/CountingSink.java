package io.flinkinference.benchmarks.harness;

import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.streaming.api.datastream.DataStream;

import java.util.concurrent.atomic.LongAdder;

/**
 * Counts what reaches the end of a benchmark job. Static because MiniCluster runs in this JVM and
 * the sink must stay serializable; one benchmark job runs at a time.
 */
public final class CountingSink<T> implements Sink<T> {

    private static final LongAdder COUNT = new LongAdder();

    public static <T> void to(DataStream<T> stream) {
        stream.sinkTo(new CountingSink<>()).name("counting sink");
    }

    public static long count() {
        return COUNT.sum();
    }

    public static void reset() {
        COUNT.reset();
    }

    @Override
    public SinkWriter<T> createWriter(WriterInitContext context) {
        return new SinkWriter<>() {
            @Override
            public void write(T element, Context context) {
                COUNT.increment();
            }

            @Override
            public void flush(boolean endOfInput) {}

            @Override
            public void close() {}
        };
    }
}
