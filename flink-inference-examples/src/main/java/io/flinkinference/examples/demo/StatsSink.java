package io.flinkinference.examples.demo;

import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/** Records every result into {@link DemoStats}, and hands embeddings to {@link NearestQueries}. */
public final class StatsSink implements Sink<DemoResult> {

    private static final long serialVersionUID = 1L;

    @Override
    public SinkWriter<DemoResult> createWriter(WriterInitContext context) {
        return new SinkWriter<>() {
            @Override
            public void write(DemoResult element, Context context) {
                DemoStats.record(element);
                NearestQueries.offer(element);
            }

            @Override
            public void flush(boolean endOfInput) {}

            @Override
            public void close() {}
        };
    }
}
