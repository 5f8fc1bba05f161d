package io.flinkinference.sidecar.client;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.MemorySize;

import java.time.Duration;

/**
 * The {@link ConfigOption}s of the sidecar client. They are the defaults of {@link
 * SidecarBatchFunction.Builder}; {@link SidecarBatchFunction.Builder#configure} reads them from a
 * Flink configuration. Constants only; thread-safe.
 *
 * <p>Example:
 *
 * <pre>{@code
 * Configuration conf = new Configuration();
 * conf.set(SidecarClientOptions.ENDPOINT, "127.0.0.1:50051");
 * conf.set(SidecarClientOptions.RETRY_MAX_DURATION, Duration.ofSeconds(30));
 * SidecarBatchFunction<float[], float[]> f =
 *         SidecarBatchFunction.builder(TensorCodec.float32()).configure(conf).build();
 * }</pre>
 */
public final class SidecarClientOptions {

    public static final ConfigOption<String> ENDPOINT =
            ConfigOptions.key("sidecar.client.endpoint")
                    .stringType()
                    .defaultValue("127.0.0.1:50051")
                    .withDescription(
                            "host:port of the sidecar's gRPC Infer service, normally the sidecar "
                                    + "on this TaskManager's host.");

    public static final ConfigOption<String> MODEL =
            ConfigOptions.key("sidecar.client.model")
                    .stringType()
                    .defaultValue("")
                    .withDescription("The model every request names; \"\" is the default model.");

    public static final ConfigOption<Duration> REQUEST_TIMEOUT =
            ConfigOptions.key("sidecar.client.request-timeout")
                    .durationType()
                    .defaultValue(Duration.ZERO)
                    .withDescription(
                            "Sent with every request as timeout_ms: the sidecar answers "
                                    + "DEADLINE_EXCEEDED instead of running a request that waited "
                                    + "longer in its queue. 0 means the sidecar's own "
                                    + "sidecar.queue.max-wait.");

    public static final ConfigOption<Duration> RETRY_MAX_DURATION =
            ConfigOptions.key("sidecar.client.retry.max-duration")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(60))
                    .withDescription(
                            "The retry budget of one item: how long after its first "
                                    + "RESOURCE_EXHAUSTED (or UNAVAILABLE) answer it is still "
                                    + "resent. When spent, the batch fails with "
                                    + "SidecarSaturatedException (or SidecarUnavailableException).");

    public static final ConfigOption<Duration> RETRY_DEFAULT_DELAY =
            ConfigOptions.key("sidecar.client.retry.default-delay")
                    .durationType()
                    .defaultValue(Duration.ofMillis(20))
                    .withDescription(
                            "The delay before resending a rejected item when the sidecar's "
                                    + "answer carries no google.rpc.RetryInfo.");

    public static final ConfigOption<Double> RETRY_JITTER =
            ConfigOptions.key("sidecar.client.retry.jitter")
                    .doubleType()
                    .defaultValue(0.2)
                    .withDescription(
                            "Every retry and reconnect delay is stretched by a random factor in "
                                    + "[1, 1 + jitter), so that subtasks do not retry in lockstep.");

    public static final ConfigOption<Duration> RECONNECT_INITIAL_BACKOFF =
            ConfigOptions.key("sidecar.client.reconnect.initial-backoff")
                    .durationType()
                    .defaultValue(Duration.ofMillis(50))
                    .withDescription(
                            "The first delay before reopening a broken Infer stream; doubled on "
                                    + "each failed attempt up to "
                                    + "sidecar.client.reconnect.max-backoff.");

    public static final ConfigOption<Duration> RECONNECT_MAX_BACKOFF =
            ConfigOptions.key("sidecar.client.reconnect.max-backoff")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(2))
                    .withDescription("The longest delay between two reconnect attempts.");

    public static final ConfigOption<Duration> RECONNECT_MAX_DURATION =
            ConfigOptions.key("sidecar.client.reconnect.max-duration")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(60))
                    .withDescription(
                            "How long the sidecar may stay unreachable while requests wait. "
                                    + "When spent, the waiting batches fail with "
                                    + "SidecarUnavailableException (the job restarts from its "
                                    + "checkpoint if a restart strategy allows).");

    public static final ConfigOption<Integer> MAX_IN_FLIGHT_REQUESTS =
            ConfigOptions.key("sidecar.client.max-in-flight-requests")
                    .intType()
                    .defaultValue(1024)
                    .withDescription(
                            "The most requests one subtask has sent on its stream without an "
                                    + "answer. Further items wait in the client until answers "
                                    + "arrive.");

    public static final ConfigOption<Integer> MAX_QUEUED_REQUESTS =
            ConfigOptions.key("sidecar.client.max-queued-requests")
                    .intType()
                    .defaultValue(16384)
                    .withDescription(
                            "The most items one subtask holds that are not in flight (waiting "
                                    + "for a send slot, a retry delay or a reconnect). A batch "
                                    + "that does not fit fails at once; keep the operator's "
                                    + "maxInFlightBatches x maxBatchSize below "
                                    + "max-in-flight-requests + max-queued-requests.");

    public static final ConfigOption<MemorySize> MAX_REQUEST_SIZE =
            ConfigOptions.key("sidecar.client.max-request-size")
                    .memoryType()
                    .defaultValue(MemorySize.ofMebiBytes(4))
                    .withDescription(
                            "The largest InferRequest message the client sends; keep it at most "
                                    + "the sidecar's sidecar.rpc.max-message-size. A larger item "
                                    + "fails its batch at once, naming the item, instead of "
                                    + "being sent: the sidecar would have to close the whole "
                                    + "stream, failing the other items on it too.");

    private SidecarClientOptions() {}
}
