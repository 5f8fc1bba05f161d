package io.flinkinference.sidecar.testing;

import io.flinkinference.sidecar.SidecarOptions;
import io.flinkinference.sidecar.SidecarServer;
import io.flinkinference.sidecar.api.v1.InferResponse;
import io.flinkinference.sidecar.metrics.SidecarMetrics;

import org.apache.flink.configuration.Configuration;

import com.google.rpc.Code;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A sidecar on an ephemeral loopback port plus a channel to it, for tests. */
public final class TestSidecar implements AutoCloseable {

    public final SidecarServer server;
    public final ManagedChannel channel;

    private TestSidecar(SidecarServer server) {
        this.server = server;
        this.channel =
                Grpc.newChannelBuilder(server.endpoint(), InsecureChannelCredentials.create())
                        .build();
    }

    /** The test defaults (loopback port 0, 5 s grace) overridden by {@code key, value} pairs. */
    public static Configuration config(String... keyValues) {
        Map<String, String> map = new HashMap<>();
        map.put(SidecarOptions.RPC_ENDPOINT.key(), "127.0.0.1:0");
        map.put(SidecarOptions.SHUTDOWN_GRACE_PERIOD.key(), "5 s");
        for (int i = 0; i < keyValues.length; i += 2) {
            map.put(keyValues[i], keyValues[i + 1]);
        }
        return Configuration.fromMap(map);
    }

    public static TestSidecar start(String... keyValues) throws Exception {
        return start(config(keyValues));
    }

    public static TestSidecar start(Configuration config) throws Exception {
        return new TestSidecar(SidecarServer.start(config));
    }

    public TestStream stream() {
        return new TestStream(channel);
    }

    public SidecarMetrics metrics() {
        return server.metrics();
    }

    /** The {@code google.rpc.Code} of an answer (OK for a payload). */
    public static Code code(InferResponse response) {
        return response.hasError() ? Code.forNumber(response.getError().getCode()) : Code.OK;
    }

    @Override
    public void close() throws InterruptedException {
        channel.shutdownNow();
        server.close();
        channel.awaitTermination(5, TimeUnit.SECONDS);
    }
}
