package io.flinkinference.asyncbatch;

import org.apache.flink.api.common.functions.AbstractRichFunction;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.streaming.api.functions.async.ResultFuture;

import java.util.List;

/**
 * An {@link AsyncBatchFunction} with a lifecycle ({@link #open(OpenContext)}, {@link #close()}) and
 * a {@link RuntimeContext} for metrics, task information and the user class loader.
 *
 * <p>State is not available: a batch mixes records of many keys and completes on another thread, so
 * there is no current key to scope state to. Calling any state accessor of {@link
 * #getRuntimeContext()} throws {@link UnsupportedOperationException}; keep state in an operator
 * before or after this one.
 *
 * <p>Example:
 *
 * <pre>{@code
 * class Score extends RichAsyncBatchFunction<Event, Scored> {
 *     private transient ModelClient client;
 *     private transient Counter empty;
 *
 *     public void open(OpenContext ctx) {
 *         client = ModelClient.connect("127.0.0.1:50051");
 *         empty = getRuntimeContext().getMetricGroup().counter("emptyBatches");
 *     }
 *
 *     public void asyncInvokeBatch(List<Event> events, ResultFuture<Scored> result) {
 *         client.score(events).whenComplete((scores, error) -> {
 *             if (error != null) result.completeExceptionally(error);
 *             else result.complete(scores);
 *         });
 *     }
 *
 *     public void close() { client.close(); }
 * }
 * }</pre>
 *
 * @param <IN> input record type
 * @param <OUT> output record type
 */
public abstract class RichAsyncBatchFunction<IN, OUT> extends AbstractRichFunction
        implements AsyncBatchFunction<IN, OUT> {

    private static final long serialVersionUID = 1L;

    @Override
    public void setRuntimeContext(RuntimeContext runtimeContext) {
        super.setRuntimeContext(new StatelessRuntimeContext(runtimeContext));
    }

    @Override
    public abstract void asyncInvokeBatch(List<IN> inputs, ResultFuture<OUT> resultFuture)
            throws Exception;
}
