package io.flinkinference.sidecar.client;

import io.flinkinference.sidecar.client.codec.TensorCodec;
import io.flinkinference.sidecar.client.stream.ClientMetrics;
import io.flinkinference.sidecar.client.stream.InferConnection;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.apache.flink.streaming.api.functions.async.RichAsyncFunction;

import java.util.Collections;
import java.util.List;

/**
 * The same client as {@link SidecarBatchFunction}, as a per-record Flink {@link RichAsyncFunction}
 * for {@code AsyncDataStream.unorderedWait/orderedWait}: the baseline that batched calls are
 * compared against. Every record is one request on the subtask's stream; the sidecar still batches
 * requests that arrive together.
 *
 * <p>Thread-safety, failure semantics and metrics are those of {@link SidecarBatchFunction} (a
 * record is a batch of one). Flink's own timeout applies; its default fails the job.
 *
 * <p>Example:
 *
 * <pre>{@code
 * DataStream<String> out = AsyncDataStream.unorderedWait(
 *         texts,
 *         SidecarAsyncFunction.of(SidecarBatchFunction.builder(TensorCodec.utf8()).build()),
 *         30, TimeUnit.SECONDS, 256);
 * }</pre>
 *
 * @param <IN> input record type
 * @param <OUT> output record type
 */
public class SidecarAsyncFunction<IN, OUT> extends RichAsyncFunction<IN, OUT>
        implements ResultTypeQueryable<OUT> {

    private static final long serialVersionUID = 1L;

    private final SidecarClientConfig config;
    private final TensorCodec<IN, OUT> codec;
    private final TypeInformation<OUT> producedType;

    private transient InferConnection connection;

    protected SidecarAsyncFunction(
            SidecarClientConfig config,
            TensorCodec<IN, OUT> codec,
            TypeInformation<OUT> producedType) {
        this.config = config;
        this.codec = codec;
        this.producedType = producedType;
    }

    @Override
    public TypeInformation<OUT> getProducedType() {
        return producedType;
    }

    /** A per-record function with the settings and codec of {@code batchFunction}. */
    public static <IN, OUT> SidecarAsyncFunction<IN, OUT> of(
            SidecarBatchFunction<IN, OUT> batchFunction) {
        return new SidecarAsyncFunction<>(
                batchFunction.getConfig(),
                batchFunction.getCodec(),
                batchFunction.getProducedType());
    }

    @Override
    public void open(OpenContext openContext) throws Exception {
        ClientMetrics metrics = new ClientMetrics(getRuntimeContext().getMetricGroup());
        String name =
                getRuntimeContext().getTaskInfo().getTaskNameWithSubtasks()
                        + " -> "
                        + config.endpoint;
        connection = new InferConnection(config, metrics, name);
    }

    @Override
    public void asyncInvoke(IN input, ResultFuture<OUT> resultFuture) {
        byte[] payload;
        try {
            payload = codec.encode(input);
        } catch (Exception e) {
            resultFuture.completeExceptionally(
                    new SidecarClientException(
                            "Encoding a record with codec " + codec + " failed: " + e.getMessage(),
                            e));
            return;
        }
        List<IN> inputs = Collections.singletonList(input);
        connection.submit(
                new BatchCall<>(inputs, codec, resultFuture), Collections.singletonList(payload));
    }

    @Override
    public void close() throws Exception {
        if (connection != null) {
            connection.close();
            connection = null;
        }
    }
}
