package io.flinkinference.sidecar;

import io.flinkinference.sidecar.api.v1.InferenceSidecarGrpc;
import io.flinkinference.sidecar.api.v1.ModelInfo;
import io.flinkinference.sidecar.backend.BackendRegistry;
import io.flinkinference.sidecar.backend.InferenceBackend;
import io.flinkinference.sidecar.backend.InferenceBackendFactory;
import io.flinkinference.sidecar.batching.DynamicBatcher;
import io.flinkinference.sidecar.config.SidecarSettings;
import io.flinkinference.sidecar.metrics.MetricReporters;
import io.flinkinference.sidecar.metrics.SidecarMetricGroup;
import io.flinkinference.sidecar.metrics.SidecarMetrics;
import io.flinkinference.sidecar.queue.BoundedRequestQueue;
import io.flinkinference.sidecar.request.InferenceRequest;
import io.flinkinference.sidecar.rpc.InferenceService;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;

import com.google.rpc.Code;
import io.grpc.Server;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The inference sidecar: one model behind the gRPC {@code InferenceSidecar} service, with a bounded
 * queue, a dynamic batcher, health and reflection services, and metrics.
 *
 * <pre>{@code
 * Configuration config = new Configuration();
 * config.set(SidecarOptions.RPC_ENDPOINT, "127.0.0.1:0");
 * try (SidecarServer server = SidecarServer.start(config)) {
 *     ManagedChannel channel = Grpc.newChannelBuilder(server.endpoint(), ...).build();
 *     ...
 * }
 * }</pre>
 *
 * <p>Lifecycle: {@link #start} loads the backend named by {@code sidecar.backend} ({@link
 * java.util.ServiceLoader}), opens it, starts the metric reporters, binds {@code
 * sidecar.rpc.endpoint} and reports {@code SERVING} on {@code grpc.health.v1.Health}; it logs
 * {@code sidecar listening on HOST:PORT (backend=..., model=...)} when ready. {@link #close()} is
 * graceful: see there.
 *
 * <p>Thread-safe; {@link #close()} is idempotent.
 */
public final class SidecarServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SidecarServer.class);

    /** How long close() waits for Infer streams to take their last answers before cancelling. */
    private static final long STREAM_FINISH_NANOS = TimeUnit.SECONDS.toNanos(2);

    private final SidecarSettings settings;
    private final InferenceBackend backend;
    private final MetricReporters reporters;
    private final SidecarMetrics metrics;
    private final ScheduledThreadPoolExecutor timer;
    private final ExecutorService rpcExecutor;
    private final BoundedRequestQueue<InferenceRequest> queue;
    private final DynamicBatcher batcher;
    private final InferenceService service;
    private final HealthStatusManager health;
    private final Server server;
    private final ModelInfo modelInfo;
    private final String endpoint;
    private boolean closed;

    private SidecarServer(
            Configuration config, SidecarSettings settings, List<AutoCloseable> opened)
            throws Exception {
        this.settings = settings;
        InferenceBackendFactory factory =
                BackendRegistry.find(settings.backend(), SidecarOptions.BACKEND.key());
        backend = factory.create();
        backend.open(config);
        opened.add(backend);
        modelInfo = backend.info();

        reporters = MetricReporters.fromConfiguration(config);
        opened.add(reporters);
        timer = new ScheduledThreadPoolExecutor(1, daemon("sidecar-queue-timer"));
        timer.setRemoveOnCancelPolicy(true);
        opened.add(
                () -> {
                    timer.shutdownNow();
                    timer.awaitTermination(5, TimeUnit.SECONDS);
                });
        queue = new BoundedRequestQueue<>(settings.queueMaxLength(), timer, r -> r.expire());
        metrics =
                new SidecarMetrics(
                        SidecarMetricGroup.root(localHostName(), reporters), queue::size);
        batcher =
                new DynamicBatcher(
                        queue,
                        backend,
                        settings.batchMaxSize(),
                        settings.batchTimeout().toNanos(),
                        settings.backendWorkers(),
                        metrics);
        service =
                new InferenceService(
                        modelInfo,
                        queue,
                        batcher::retryDelayNanos,
                        metrics,
                        new InferenceService.StreamLimits(
                                settings.streamMaxInFlight(),
                                settings.streamMaxBufferedResponses()),
                        settings.queueMaxWait().toNanos());
        health = new HealthStatusManager();
        batcher.start();
        opened.add(
                () -> {
                    queue.close();
                    batcher.abort("the sidecar failed to start");
                    batcher.awaitTermination(TimeUnit.SECONDS.toNanos(5));
                });
        // grpc-java's default executor is an unbounded cached pool that adds threads whenever
        // callbacks queue up under CPU contention; a fixed pool keeps the thread count bounded.
        rpcExecutor =
                Executors.newFixedThreadPool(
                        settings.rpcExecutorThreads(), numberedDaemon("sidecar-rpc-"));
        opened.add(rpcExecutor::shutdownNow);
        server =
                NettyServerBuilder.forAddress(
                                new InetSocketAddress(settings.host(), settings.port()))
                        .executor(rpcExecutor)
                        .maxInboundMessageSize(settings.maxMessageBytes())
                        .addService(service)
                        .addService(health.getHealthService())
                        .addService(ProtoReflectionServiceV1.newInstance())
                        .build()
                        .start();
        opened.add(server::shutdownNow);
        int port = ((InetSocketAddress) server.getListenSockets().get(0)).getPort();
        endpoint = settings.endpoint(port);
        health.setStatus("", ServingStatus.SERVING);
        health.setStatus(InferenceSidecarGrpc.SERVICE_NAME, ServingStatus.SERVING);
    }

    /**
     * Loads the backend named by {@code sidecar.backend} (ServiceLoader), opens it, binds {@code
     * sidecar.rpc.endpoint} (port 0 = ephemeral), serves Infer/GetModelInfo/health/reflection.
     *
     * @throws org.apache.flink.configuration.IllegalConfigurationException for a bad option, naming
     *     it
     * @throws Exception when the backend cannot open or the port cannot be bound
     */
    public static SidecarServer start(Configuration config) throws Exception {
        List<ConfigOption<?>> backendOptions = new ArrayList<>();
        BackendRegistry.all().forEach(f -> backendOptions.addAll(f.options()));
        SidecarSettings settings = SidecarSettings.from(config, backendOptions);
        List<AutoCloseable> opened = new ArrayList<>();
        try {
            SidecarServer server = new SidecarServer(config, settings, opened);
            LOG.info(
                    "sidecar listening on {} (backend={}, model={})",
                    server.endpoint,
                    server.modelInfo.getBackend().isEmpty()
                            ? settings.backend()
                            : server.modelInfo.getBackend(),
                    server.modelInfo.getName());
            return server;
        } catch (Exception | Error e) {
            for (int i = opened.size() - 1; i >= 0; i--) {
                try {
                    opened.get(i).close();
                } catch (Exception suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
    }

    /** The port actually bound. */
    public int port() {
        return ((InetSocketAddress) server.getListenSockets().get(0)).getPort();
    }

    /** {@code host:port} actually bound (host as configured). */
    public String endpoint() {
        return endpoint;
    }

    /** Live metric values. */
    public SidecarMetrics metrics() {
        return metrics;
    }

    /** The served model. */
    public ModelInfo modelInfo() {
        return modelInfo;
    }

    /** The most answers any open stream currently buffers for a slow reader. */
    public int maxBufferedResponsesPerStream() {
        return service.maxBufferedResponses();
    }

    /**
     * Graceful stop: health turns {@code NOT_SERVING}, new calls and new requests are answered
     * {@code UNAVAILABLE}, queued and running requests may finish within {@code
     * sidecar.shutdown.grace-period}; what is left then is answered {@code UNAVAILABLE}. Then the
     * streams complete, the backend and the reporters close. Blocks until done; idempotent.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        long start = System.nanoTime();
        LOG.info("sidecar stopping: {} requests queued, {}", queue.size(), metrics);
        service.stopAccepting();
        health.enterTerminalState(); // NOT_SERVING, also to open Watch calls
        server.shutdown(); // no new calls; open streams go on
        queue.close();
        boolean drained = false;
        try {
            drained = batcher.awaitTermination(settings.shutdownGracePeriod().toNanos());
            if (!drained) {
                String message = "the sidecar shut down before this request ran";
                List<InferenceRequest> left = queue.drain();
                left.forEach(r -> r.reject(Code.UNAVAILABLE, message));
                batcher.abort(message);
                LOG.warn(
                        "grace period {} over: answered {} queued requests and the running"
                                + " batches UNAVAILABLE",
                        settings.shutdownGracePeriod(),
                        left.size());
                // The answers are out; give an interrupted backend call a moment to return.
                drained = batcher.awaitTermination(STREAM_FINISH_NANOS);
            }
            service.finishStreams();
            if (!service.awaitStreamsEnded(STREAM_FINISH_NANOS)) {
                LOG.warn("{} Infer streams did not take their last answers", service.openStreams());
            }
            // Cancels what is left: unread streams, health Watch calls.
            server.shutdownNow();
            server.awaitTermination(STREAM_FINISH_NANOS, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            server.shutdownNow();
        }
        if (drained) {
            closeQuietly("backend", backend);
        } else {
            LOG.warn("a backend call is still running; not closing the backend under it");
        }
        timer.shutdownNow();
        rpcExecutor.shutdown();
        reporters.close();
        try {
            timer.awaitTermination(1, TimeUnit.SECONDS);
            if (!rpcExecutor.awaitTermination(1, TimeUnit.SECONDS)) {
                rpcExecutor.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LOG.info(
                "sidecar stopped in {} ms: {}",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start),
                metrics);
    }

    private static void closeQuietly(String what, AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            LOG.warn("closing the {} failed", what, e);
        }
    }

    private static ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    private static ThreadFactory numberedDaemon(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    private static String localHostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }
}
