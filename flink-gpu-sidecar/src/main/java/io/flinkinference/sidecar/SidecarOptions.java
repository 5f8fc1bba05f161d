package io.flinkinference.sidecar;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.MemorySize;

import java.time.Duration;
import java.util.List;

/**
 * Every option of the sidecar server itself (backends declare theirs through {@link
 * io.flinkinference.sidecar.backend.InferenceBackendFactory#options()}). All keys live under {@code
 * sidecar.*}; values come from a YAML file and {@code -Dkey=value} (see {@link SidecarMain}).
 * Immutable constants; thread-safe.
 */
public final class SidecarOptions {

    /** Where the gRPC server listens. */
    public static final ConfigOption<String> RPC_ENDPOINT =
            ConfigOptions.key("sidecar.rpc.endpoint")
                    .stringType()
                    .defaultValue("127.0.0.1:50051")
                    .withDescription(
                            "host:port the gRPC server binds (IPv6 as [::1]:50051). Loopback by default;"
                                    + " binding another interface (e.g. 0.0.0.0) must be asked for."
                                    + " Port 0 picks a free port.");

    /** The largest inbound gRPC message. */
    public static final ConfigOption<MemorySize> RPC_MAX_MESSAGE_SIZE =
            ConfigOptions.key("sidecar.rpc.max-message-size")
                    .memoryType()
                    .defaultValue(MemorySize.parse("4 mb"))
                    .withDescription(
                            "Largest inbound gRPC message (one InferRequest). A larger message"
                                    + " cancels its stream with RESOURCE_EXHAUSTED (gRPC cannot"
                                    + " parse it, so it cannot be answered per request).");

    /** Requests of one stream accepted and not yet answered. */
    public static final ConfigOption<Integer> RPC_STREAM_MAX_IN_FLIGHT =
            ConfigOptions.key("sidecar.rpc.stream.max-in-flight")
                    .intType()
                    .defaultValue(4096)
                    .withDescription(
                            "Requests one Infer stream may have in flight (received, not yet"
                                    + " answered). Beyond it a request is answered"
                                    + " RESOURCE_EXHAUSTED at once.");

    /** Responses buffered for a stream whose reader is slow. */
    public static final ConfigOption<Integer> RPC_STREAM_MAX_BUFFERED_RESPONSES =
            ConfigOptions.key("sidecar.rpc.stream.max-buffered-responses")
                    .intType()
                    .defaultValue(1024)
                    .withDescription(
                            "Responses the server buffers for one Infer stream while gRPC flow"
                                    + " control says the client is not reading (isReady = false)."
                                    + " At this many the server stops reading that stream's"
                                    + " requests until the client catches up, so a stream buffers"
                                    + " at most this plus sidecar.rpc.stream.max-in-flight"
                                    + " responses.");

    /** Threads that run the gRPC service's callbacks. */
    public static final ConfigOption<Integer> RPC_EXECUTOR_THREADS =
            ConfigOptions.key("sidecar.rpc.executor-threads")
                    .intType()
                    .defaultValue(4)
                    .withDescription(
                            "Threads that run the Infer service's gRPC callbacks: reading a"
                                    + " request and admitting it to the queue, writing answers"
                                    + " when the transport is ready again. The callbacks never"
                                    + " block and one stream's run one at a time, so more threads"
                                    + " than CPU cores buy nothing; with fewer threads than busy"
                                    + " streams, callbacks wait their turn. Backend calls run on"
                                    + " sidecar.backend.workers, not here.");

    /** How many requests may wait for a batch. */
    public static final ConfigOption<Integer> QUEUE_MAX_LENGTH =
            ConfigOptions.key("sidecar.queue.max-length")
                    .intType()
                    .defaultValue(1024)
                    .withDescription(
                            "Requests that may wait for the backend, across all streams. A request"
                                    + " that does not fit is answered RESOURCE_EXHAUSTED at once,"
                                    + " with a google.rpc.RetryInfo estimating when room frees up.");

    /** The longest a request may wait in the queue. */
    public static final ConfigOption<Duration> QUEUE_MAX_WAIT =
            ConfigOptions.key("sidecar.queue.max-wait")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(5))
                    .withDescription(
                            "Longest a request may wait in the queue (a request's own timeout_ms"
                                    + " applies when shorter). When it is reached the request is"
                                    + " answered DEADLINE_EXCEEDED and never sent to the backend.");

    /** Largest batch handed to the backend. */
    public static final ConfigOption<Integer> BATCH_MAX_SIZE =
            ConfigOptions.key("sidecar.batch.max-size")
                    .intType()
                    .defaultValue(32)
                    .withDescription("Largest batch handed to the backend in one call.");

    /** The batching window. */
    public static final ConfigOption<Duration> BATCH_TIMEOUT =
            ConfigOptions.key("sidecar.batch.timeout")
                    .durationType()
                    .defaultValue(Duration.ofMillis(5))
                    .withDescription(
                            "Longest a batch waits for more requests after its first one was"
                                    + " queued. 0 sends whatever is queued as soon as a worker is"
                                    + " free.");

    /** Concurrent backend calls. */
    public static final ConfigOption<Integer> BACKEND_WORKERS =
            ConfigOptions.key("sidecar.backend.workers")
                    .intType()
                    .defaultValue(2)
                    .withDescription("Batches that execute on the backend at once.");

    /** Which backend serves the model. */
    public static final ConfigOption<String> BACKEND =
            ConfigOptions.key("sidecar.backend")
                    .stringType()
                    .defaultValue("mock")
                    .withDescription(
                            "Name of the InferenceBackendFactory (found with ServiceLoader) that"
                                    + " serves the model: mock, onnx, pytorch, ...");

    /** How long close()/SIGTERM waits for queued work. */
    public static final ConfigOption<Duration> SHUTDOWN_GRACE_PERIOD =
            ConfigOptions.key("sidecar.shutdown.grace-period")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(10))
                    .withDescription(
                            "On SIGTERM or close(): new requests are answered UNAVAILABLE, queued"
                                    + " and running ones may finish within this period, the rest"
                                    + " are answered UNAVAILABLE.");

    /** All options above, in the order {@code --help} lists them. */
    public static final List<ConfigOption<?>> ALL =
            List.of(
                    RPC_ENDPOINT,
                    RPC_MAX_MESSAGE_SIZE,
                    RPC_STREAM_MAX_IN_FLIGHT,
                    RPC_STREAM_MAX_BUFFERED_RESPONSES,
                    RPC_EXECUTOR_THREADS,
                    QUEUE_MAX_LENGTH,
                    QUEUE_MAX_WAIT,
                    BATCH_MAX_SIZE,
                    BATCH_TIMEOUT,
                    BACKEND_WORKERS,
                    BACKEND,
                    SHUTDOWN_GRACE_PERIOD);

    private SidecarOptions() {}
}
