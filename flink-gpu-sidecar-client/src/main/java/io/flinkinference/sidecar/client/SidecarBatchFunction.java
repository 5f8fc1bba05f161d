package io.flinkinference.sidecar.client;

import io.flinkinference.asyncbatch.AsyncBatchFunction;
import io.flinkinference.asyncbatch.RichAsyncBatchFunction;
import io.flinkinference.sidecar.client.codec.TensorCodec;
import io.flinkinference.sidecar.client.stream.ClientMetrics;
import io.flinkinference.sidecar.client.stream.InferConnection;

import org.apache.flink.api.common.functions.InvalidTypesException;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.api.java.typeutils.TypeExtractor;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.streaming.api.functions.async.ResultFuture;

import javax.annotation.Nullable;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An {@link AsyncBatchFunction} that runs each batch on the inference sidecar of this host: every
 * record becomes one {@code InferRequest} (encoded by a {@link TensorCodec}), sent on the subtask's
 * long-lived {@code Infer} stream, and the batch completes with one decoded result per record, in
 * the batch's input order.
 *
 * <p>Connections: all subtasks of a TaskManager that talk to the same endpoint share one gRPC
 * channel (reference-counted, closed with the last subtask); each subtask has its own stream.
 *
 * <p>Thread-safety: Flink calls {@code asyncInvokeBatch}, {@code timeout}, {@code open} and {@code
 * close} from the task thread; results are completed from the client's I/O thread.
 *
 * <p>Ordering: the results of a batch are in the batch's input order, whatever order the sidecar
 * answers in. Ordering between batches is the operator's choice ({@code orderedWait} or {@code
 * unorderedWait}).
 *
 * <p>Failure semantics (see {@code docs/client.md}):
 *
 * <ul>
 *   <li>{@code RESOURCE_EXHAUSTED}: the rejected items (only those) are resent after the sidecar's
 *       {@code RetryInfo} delay plus jitter; after {@code sidecar.client.retry.max-duration} the
 *       batch fails with {@link SidecarSaturatedException}, saying for how long it was retried.
 *   <li>The sidecar restarts or the connection breaks: the stream is reopened with exponential
 *       backoff and unanswered items are resent (at-least-once to the sidecar; the operator's
 *       checkpoints keep the job's output exactly-once); after {@code
 *       sidecar.client.reconnect.max-duration} the batch fails with {@link
 *       SidecarUnavailableException}.
 *   <li>Any other per-item error fails the batch with {@link SidecarItemException}, naming the
 *       item's index, the status code and the sidecar's message. Items are never dropped silently.
 * </ul>
 *
 * <p>Metrics (in the function's metric group): counters {@code requestsSent}, {@code responsesOk},
 * {@code responsesError_<CODE>}, {@code resends}, {@code reconnects}; histogram {@code
 * roundTripUs}.
 *
 * <p>Example:
 *
 * <pre>{@code
 * SidecarBatchFunction<float[], float[]> infer =
 *         SidecarBatchFunction.builder(TensorCodec.float32())
 *                 .endpoint("127.0.0.1:50051")
 *                 .model("")
 *                 .requestTimeout(Duration.ofSeconds(1))
 *                 .retryBudget(Duration.ofSeconds(30))
 *                 .build();
 * DataStream<float[]> out = AsyncBatchDataStream.unorderedWait(
 *         features, infer, AsyncBatchOptions.builder().maxBatchSize(64).build());
 * }</pre>
 *
 * @param <IN> input record type
 * @param <OUT> output record type
 */
public class SidecarBatchFunction<IN, OUT> extends RichAsyncBatchFunction<IN, OUT>
        implements ResultTypeQueryable<OUT> {

    private static final long serialVersionUID = 1L;

    private final SidecarClientConfig config;
    private final TensorCodec<IN, OUT> codec;
    @Nullable private final TypeInformation<OUT> producedType;

    private transient InferConnection connection;
    private transient Map<List<IN>, BatchCall<IN, OUT>> active;
    private transient RequestSize requestSize;

    protected SidecarBatchFunction(
            SidecarClientConfig config,
            TensorCodec<IN, OUT> codec,
            @Nullable TypeInformation<OUT> producedType) {
        this.config = Objects.requireNonNull(config, "config");
        this.codec = Objects.requireNonNull(codec, "codec");
        this.producedType = producedType;
    }

    /** A copy of {@code template} (for subclasses that add behaviour). */
    protected SidecarBatchFunction(SidecarBatchFunction<IN, OUT> template) {
        this(template.config, template.codec, template.producedType);
    }

    /**
     * The output type: the one given to {@link Builder#returns}, else the one the codec's class
     * declares for {@code OUT}.
     *
     * @throws InvalidTypesException if neither names a concrete type (e.g. a lambda or a generic
     *     codec): then call {@link Builder#returns}
     */
    @Override
    public TypeInformation<OUT> getProducedType() {
        if (producedType != null) {
            return producedType;
        }
        try {
            return TypeExtractor.createTypeInfo(TensorCodec.class, codec.getClass(), 1, null, null);
        } catch (InvalidTypesException e) {
            throw new InvalidTypesException(
                    "The output type of codec "
                            + codec
                            + " cannot be determined from its class; give it with "
                            + "SidecarBatchFunction.builder(codec).returns(...)",
                    e);
        }
    }

    /** A builder with the defaults of {@link SidecarClientOptions}. */
    public static <IN, OUT> Builder<IN, OUT> builder(TensorCodec<IN, OUT> codec) {
        return new Builder<>(codec);
    }

    public SidecarClientConfig getConfig() {
        return config;
    }

    public TensorCodec<IN, OUT> getCodec() {
        return codec;
    }

    @Override
    public void open(OpenContext openContext) throws Exception {
        ClientMetrics metrics = new ClientMetrics(getRuntimeContext().getMetricGroup());
        String name =
                getRuntimeContext().getTaskInfo().getTaskNameWithSubtasks()
                        + " -> "
                        + config.endpoint;
        connection = new InferConnection(config, metrics, name);
        requestSize = new RequestSize(config);
        active = Collections.synchronizedMap(new IdentityHashMap<>());
    }

    @Override
    public void asyncInvokeBatch(List<IN> inputs, ResultFuture<OUT> resultFuture) {
        BatchCall<IN, OUT> call = new BatchCall<>(inputs, codec, new Forget(inputs, resultFuture));
        List<byte[]> payloads = new ArrayList<>(inputs.size());
        for (int i = 0; i < inputs.size(); i++) {
            try {
                byte[] payload = codec.encode(inputs.get(i));
                if (payload == null) {
                    throw new NullPointerException("the codec returned null");
                }
                long requestBytes = requestSize.of(payload);
                if (requestBytes > config.maxRequestBytes) {
                    resultFuture.completeExceptionally(
                            new SidecarClientException(
                                    "Item "
                                            + i
                                            + " of a batch of "
                                            + inputs.size()
                                            + " encodes to a request of "
                                            + requestBytes
                                            + " bytes, over sidecar.client.max-request-size ("
                                            + config.maxRequestBytes
                                            + " bytes); it was not sent, since the sidecar would "
                                            + "close the stream it arrived on."));
                    return;
                }
                payloads.add(payload);
            } catch (Exception e) {
                resultFuture.completeExceptionally(
                        new SidecarClientException(
                                "Encoding item "
                                        + i
                                        + " of a batch of "
                                        + inputs.size()
                                        + " with codec "
                                        + codec
                                        + " failed: "
                                        + e.getMessage(),
                                e));
                return;
            }
        }
        active.put(inputs, call);
        connection.submit(call, payloads);
    }

    /**
     * Stops resending the batch's items, then does what {@link AsyncBatchFunction#timeout} does by
     * default (fails the job with a timeout). Override to emit fallbacks instead, and call {@link
     * #abandon(List)} first.
     */
    @Override
    public void timeout(List<IN> inputs, ResultFuture<OUT> resultFuture) throws Exception {
        abandon(inputs);
        super.timeout(inputs, resultFuture);
    }

    /** Stops the client's work on this batch (its unanswered items are no longer resent). */
    protected void abandon(List<IN> inputs) {
        BatchCall<IN, OUT> call = active == null ? null : active.remove(inputs);
        if (call != null) {
            call.abandon();
        }
    }

    @Override
    public void close() throws Exception {
        if (connection != null) {
            connection.close();
            connection = null;
        }
    }

    /** Removes the batch from the active calls when it completes. */
    private final class Forget implements ResultFuture<OUT> {
        private final List<IN> inputs;
        private final ResultFuture<OUT> delegate;

        Forget(List<IN> inputs, ResultFuture<OUT> delegate) {
            this.inputs = inputs;
            this.delegate = delegate;
        }

        @Override
        public void complete(java.util.Collection<OUT> result) {
            forget();
            delegate.complete(result);
        }

        @Override
        public void completeExceptionally(Throwable error) {
            forget();
            delegate.completeExceptionally(error);
        }

        @Override
        public void complete(
                org.apache.flink.streaming.api.functions.async.CollectionSupplier<OUT> supplier) {
            forget();
            delegate.complete(supplier);
        }

        private void forget() {
            Map<List<IN>, BatchCall<IN, OUT>> calls = active;
            if (calls != null) {
                calls.remove(inputs);
            }
        }
    }

    /**
     * Builds a {@link SidecarBatchFunction}. Every setting defaults to its {@link
     * SidecarClientOptions} default; {@link #configure(ReadableConfig)} takes those set in a Flink
     * configuration.
     */
    public static final class Builder<IN, OUT> {
        private final TensorCodec<IN, OUT> codec;
        private final Configuration settings = new Configuration();
        @Nullable private TypeInformation<OUT> producedType;

        private Builder(TensorCodec<IN, OUT> codec) {
            this.codec = Objects.requireNonNull(codec, "codec");
        }

        /** Takes every {@code sidecar.client.*} option that {@code config} sets. */
        public Builder<IN, OUT> configure(ReadableConfig config) {
            for (ConfigOption<?> option : ALL_OPTIONS) {
                copy(config, option);
            }
            return this;
        }

        private <T> void copy(ReadableConfig config, ConfigOption<T> option) {
            config.getOptional(option).ifPresent(v -> settings.set(option, v));
        }

        /** {@code host:port} of the sidecar ({@code sidecar.client.endpoint}). */
        public Builder<IN, OUT> endpoint(String endpoint) {
            settings.set(SidecarClientOptions.ENDPOINT, endpoint);
            return this;
        }

        /** The model name; "" is the sidecar's default model ({@code sidecar.client.model}). */
        public Builder<IN, OUT> model(String model) {
            settings.set(SidecarClientOptions.MODEL, model);
            return this;
        }

        /** Per-request queue deadline sent to the sidecar; 0 = the sidecar's max wait. */
        public Builder<IN, OUT> requestTimeout(Duration timeout) {
            settings.set(SidecarClientOptions.REQUEST_TIMEOUT, timeout);
            return this;
        }

        /** How long one item may be resent after RESOURCE_EXHAUSTED or UNAVAILABLE answers. */
        public Builder<IN, OUT> retryBudget(Duration budget) {
            settings.set(SidecarClientOptions.RETRY_MAX_DURATION, budget);
            return this;
        }

        /** How long the sidecar may stay unreachable while items wait. */
        public Builder<IN, OUT> reconnectBudget(Duration budget) {
            settings.set(SidecarClientOptions.RECONNECT_MAX_DURATION, budget);
            return this;
        }

        /** First and longest delay between reconnect attempts. */
        public Builder<IN, OUT> reconnectBackoff(Duration initial, Duration max) {
            settings.set(SidecarClientOptions.RECONNECT_INITIAL_BACKOFF, initial);
            settings.set(SidecarClientOptions.RECONNECT_MAX_BACKOFF, max);
            return this;
        }

        /** The most unanswered requests on one subtask's stream. */
        public Builder<IN, OUT> maxInFlightRequests(int max) {
            settings.set(SidecarClientOptions.MAX_IN_FLIGHT_REQUESTS, max);
            return this;
        }

        /** The most items one subtask holds beyond those in flight. */
        public Builder<IN, OUT> maxQueuedRequests(int max) {
            settings.set(SidecarClientOptions.MAX_QUEUED_REQUESTS, max);
            return this;
        }

        /** The largest request the client sends; at most the sidecar's max message size. */
        public Builder<IN, OUT> maxRequestSize(MemorySize max) {
            settings.set(SidecarClientOptions.MAX_REQUEST_SIZE, max);
            return this;
        }

        /** The output type, for codecs whose class does not name it (lambdas, generic codecs). */
        public Builder<IN, OUT> returns(TypeInformation<OUT> type) {
            this.producedType = Objects.requireNonNull(type, "type");
            return this;
        }

        /**
         * @throws IllegalArgumentException naming the setting, for one that makes no sense
         */
        public SidecarBatchFunction<IN, OUT> build() {
            return new SidecarBatchFunction<>(
                    new SidecarClientConfig(settings), codec, producedType);
        }

        private static final List<ConfigOption<?>> ALL_OPTIONS =
                List.of(
                        SidecarClientOptions.ENDPOINT,
                        SidecarClientOptions.MODEL,
                        SidecarClientOptions.REQUEST_TIMEOUT,
                        SidecarClientOptions.RETRY_MAX_DURATION,
                        SidecarClientOptions.RETRY_DEFAULT_DELAY,
                        SidecarClientOptions.RETRY_JITTER,
                        SidecarClientOptions.RECONNECT_INITIAL_BACKOFF,
                        SidecarClientOptions.RECONNECT_MAX_BACKOFF,
                        SidecarClientOptions.RECONNECT_MAX_DURATION,
                        SidecarClientOptions.MAX_IN_FLIGHT_REQUESTS,
                        SidecarClientOptions.MAX_QUEUED_REQUESTS,
                        SidecarClientOptions.MAX_REQUEST_SIZE);
    }
}
