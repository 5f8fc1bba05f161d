package io.flinkinference.benchmarks.sidecar;

import io.flinkinference.sidecar.SidecarServer;
import io.flinkinference.sidecar.metrics.SidecarMetrics;

import org.apache.flink.configuration.Configuration;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** An in-process sidecar on an ephemeral loopback port and a plaintext channel to it. */
public final class SidecarUnderTest implements AutoCloseable {

    private final SidecarServer server;
    private final ManagedChannel channel;

    private SidecarUnderTest(SidecarServer server) {
        this.server = server;
        this.channel = channel(server.port());
    }

    /** Starts a sidecar with {@code settings} (sidecar.* keys) on an ephemeral port. */
    public static SidecarUnderTest start(Map<String, String> settings) throws Exception {
        Map<String, String> all = new HashMap<>(settings);
        all.put("sidecar.rpc.endpoint", "127.0.0.1:0");
        return new SidecarUnderTest(SidecarServer.start(Configuration.fromMap(all)));
    }

    /** The mock backend's settings: latency {@code fixed + perItem × n}, batch, workers. */
    public static Map<String, String> mock(
            Duration fixed, Duration perItem, int batch, Duration batchTimeout, int workers) {
        Map<String, String> s = new HashMap<>();
        s.put("sidecar.backend", "mock");
        s.put("sidecar.mock.latency.fixed", fixed.toNanos() + " ns");
        s.put("sidecar.mock.latency.per-item", perItem.toNanos() + " ns");
        s.put("sidecar.batch.max-size", Integer.toString(batch));
        s.put("sidecar.batch.timeout", batchTimeout.toNanos() + " ns");
        s.put("sidecar.backend.workers", Integer.toString(workers));
        return s;
    }

    /** The most requests per second the mock can answer: {@code workers × batch / latency}. */
    public static double mockLimit(Duration fixed, Duration perItem, int batch, int workers) {
        return workers * batch * 1e9 / (fixed.toNanos() + perItem.toNanos() * batch);
    }

    static ManagedChannel channel(int port) {
        return NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    }

    public ManagedChannel channel() {
        return channel;
    }

    public SidecarServer server() {
        return server;
    }

    public SidecarMetrics metrics() {
        return server.metrics();
    }

    @Override
    public void close() throws InterruptedException {
        channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        server.close();
    }
}
