package io.flinkinference.sidecar.client.testutil;

import io.flinkinference.sidecar.SidecarServer;

import org.apache.flink.configuration.Configuration;

/** A real sidecar (mock backend) on 127.0.0.1 for tests. {@link #close()} is idempotent. */
public final class TestSidecar implements AutoCloseable {

    private final SidecarServer server;
    private final int port;

    private TestSidecar(SidecarServer server) {
        this.server = server;
        this.port = server.port(); // SidecarServer.port() throws once the server is closed
    }

    /**
     * Starts a mock-backend sidecar; {@code port} 0 picks a free one. Defaults for tests: 0.5 ms
     * per backend call, 1 s shutdown grace period; {@code overrides} win.
     */
    public static TestSidecar start(int port, Configuration overrides) throws Exception {
        Configuration config = new Configuration();
        config.setString("sidecar.rpc.endpoint", "127.0.0.1:" + port);
        config.setString("sidecar.backend", "mock");
        config.setString("sidecar.mock.latency.fixed", "500 micros");
        config.setString("sidecar.shutdown.grace-period", "1 s");
        config.addAll(overrides);
        return new TestSidecar(SidecarServer.start(config));
    }

    public int port() {
        return port;
    }

    public String endpoint() {
        return "127.0.0.1:" + port();
    }

    public long requestsReceived() {
        return server.metrics().requestsReceived();
    }

    public long requestsSucceeded() {
        return server.metrics().requestsSucceeded();
    }

    public long requestsRejected() {
        return server.metrics().requestsRejected();
    }

    public long inFlightRequests() {
        return server.metrics().inFlightRequests();
    }

    public long requestsFailed() {
        return server.metrics().requestsFailed();
    }

    @Override
    public void close() {
        server.close();
    }
}
