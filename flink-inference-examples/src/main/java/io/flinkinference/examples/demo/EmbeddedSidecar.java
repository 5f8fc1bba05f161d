package io.flinkinference.examples.demo;

import io.flinkinference.sidecar.SidecarServer;
import io.flinkinference.sidecar.metrics.SidecarMetrics;

import org.apache.flink.configuration.Configuration;

import java.time.Duration;
import java.util.OptionalLong;

/**
 * A sidecar started in this JVM on an ephemeral loopback port, with the mock backend or the ONNX
 * backend's bundled all-MiniLM-L6-v2.
 */
public final class EmbeddedSidecar implements SidecarHandle {

    private final SidecarServer server;
    private final String description;

    private EmbeddedSidecar(SidecarServer server, String description) {
        this.server = server;
        this.description = description;
    }

    /** Starts a mock sidecar whose backend takes {@code fixed + perItem x batch size}. */
    public static EmbeddedSidecar startMock(Duration fixed, Duration perItem, int maxBatchSize)
            throws Exception {
        Configuration config = new Configuration();
        config.setString("sidecar.rpc.endpoint", "127.0.0.1:0");
        config.setString("sidecar.backend", "mock");
        config.setString("sidecar.mock.latency.fixed", fixed.toNanos() + " ns");
        config.setString("sidecar.mock.latency.per-item", perItem.toNanos() + " ns");
        config.setString("sidecar.batch.max-size", Integer.toString(maxBatchSize));
        config.setString("sidecar.shutdown.grace-period", "2 s");
        SidecarServer server = SidecarServer.start(config);
        return new EmbeddedSidecar(
                server,
                "embedded, mock backend (identity), "
                        + micros(fixed)
                        + " + "
                        + micros(perItem)
                        + "/item per backend call, sidecar batches of up to "
                        + maxBatchSize);
    }

    /**
     * Starts a sidecar with the ONNX backend and no other backend option: the bundled fp32
     * all-MiniLM-L6-v2 in text-embedding mode on the CPU (UTF-8 text in, 384 float32 out).
     */
    public static EmbeddedSidecar startOnnx(int maxBatchSize) throws Exception {
        Configuration config = new Configuration();
        config.setString("sidecar.rpc.endpoint", "127.0.0.1:0");
        config.setString("sidecar.backend", "onnx");
        config.setString("sidecar.batch.max-size", Integer.toString(maxBatchSize));
        // A real model on a few CPU cores answers a few hundred sentences a second, so with the
        // default in-flight limits a request may queue for seconds: do not let it expire at 5 s.
        config.setString("sidecar.queue.max-wait", "60 s");
        config.setString("sidecar.shutdown.grace-period", "2 s");
        SidecarServer server = SidecarServer.start(config);
        return new EmbeddedSidecar(
                server,
                "embedded, onnx backend (all-MiniLM-L6-v2 fp32, text-embedding, CPU),"
                        + " sidecar batches of up to "
                        + maxBatchSize);
    }

    private static String micros(Duration d) {
        return d.toNanos() % 1_000_000 == 0
                ? d.toMillis() + " ms"
                : (d.toNanos() / 1000) + " micros";
    }

    @Override
    public String endpoint() {
        return "127.0.0.1:" + server.port();
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public OptionalLong counter(SidecarCounter counter) {
        SidecarMetrics m = server.metrics();
        switch (counter) {
            case REQUESTS_RECEIVED:
                return OptionalLong.of(m.requestsReceived());
            case REQUESTS_SUCCEEDED:
                return OptionalLong.of(m.requestsSucceeded());
            case REQUESTS_REJECTED:
                return OptionalLong.of(m.requestsRejected());
            case REQUESTS_EXPIRED:
                return OptionalLong.of(m.requestsExpired());
            case REQUESTS_FAILED:
                return OptionalLong.of(m.requestsFailed());
            case BATCHES_EXECUTED:
                return OptionalLong.of(m.batchesExecuted());
            case QUEUE_DEPTH:
                return OptionalLong.of(m.queueDepth());
            default:
                return OptionalLong.empty();
        }
    }

    @Override
    public void close() {
        server.close();
    }
}
