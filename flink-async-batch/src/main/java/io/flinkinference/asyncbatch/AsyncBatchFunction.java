package io.flinkinference.asyncbatch;

import org.apache.flink.api.common.functions.Function;
import org.apache.flink.streaming.api.functions.async.ResultFuture;

import java.io.Serializable;
import java.util.List;
import java.util.concurrent.TimeoutException;

/**
 * A function that processes a whole batch of records with one asynchronous call, typically to a
 * model server that is faster per record when it sees many records at once.
 *
 * <p>The {@link AsyncBatchWaitOperator} collects records into batches (by size, by time, at
 * watermarks and at end of input) and calls {@link #asyncInvokeBatch} once per batch. The function
 * starts the call and returns at once; when the call finishes, it completes the given {@link
 * ResultFuture} exactly once, from any thread. Later completions of the same future are ignored.
 *
 * <p>A batch may produce more or fewer outputs than inputs. When it produces exactly one output per
 * input, output {@code i} is taken to belong to input {@code i} (and gets its timestamp).
 *
 * <p>Thread-safety: {@code asyncInvokeBatch} and {@code timeout} are called from the task thread
 * only, never concurrently with each other. {@link ResultFuture#complete} may be called from any
 * thread.
 *
 * <p>Failure semantics: an exception thrown from {@code asyncInvokeBatch}, or {@link
 * ResultFuture#completeExceptionally}, fails the task with that cause, after the operator's retry
 * strategy (if any) has given up. On restore from a checkpoint, batches whose results had not been
 * emitted are sent again, so calls are at-least-once while the job's output is exactly-once.
 *
 * <p>Example:
 *
 * <pre>{@code
 * class Embed implements AsyncBatchFunction<String, float[]> {
 *     public void asyncInvokeBatch(List<String> texts, ResultFuture<float[]> result) {
 *         client.embedAsync(texts).whenComplete((vectors, error) -> {
 *             if (error != null) {
 *                 result.completeExceptionally(error);
 *             } else {
 *                 result.complete(vectors);
 *             }
 *         });
 *     }
 * }
 *
 * DataStream<float[]> vectors = AsyncBatchDataStream.unorderedWait(
 *         texts, new Embed(), AsyncBatchOptions.builder().maxBatchSize(64).build());
 * }</pre>
 *
 * @param <IN> input record type
 * @param <OUT> output record type
 */
@FunctionalInterface
public interface AsyncBatchFunction<IN, OUT> extends Function, Serializable {

    /**
     * Starts the asynchronous processing of one batch.
     *
     * @param inputs the batch, never empty; an unmodifiable list that may be read from other
     *     threads until the future is completed. Retries of the batch, and {@link #timeout}, get
     *     this same list instance, so it can key per-batch bookkeeping by identity
     * @param resultFuture to complete with the batch's outputs, or exceptionally
     */
    void asyncInvokeBatch(List<IN> inputs, ResultFuture<OUT> resultFuture) throws Exception;

    /**
     * Called once when a batch has not completed within the operator's timeout (measured from
     * dispatch, retries included). The default fails the job with an {@link
     * AsyncBatchTimeoutException} (a {@link TimeoutException}) naming the batch size and the
     * timeout; override it to emit fallback results instead, e.g. {@code
     * resultFuture.complete(List.of())}.
     *
     * @param inputs the batch that timed out: the same list instance its {@link #asyncInvokeBatch}
     *     calls were given
     * @param resultFuture completing it completes the batch; any later completion by the original
     *     call is ignored
     */
    default void timeout(List<IN> inputs, ResultFuture<OUT> resultFuture) throws Exception {
        resultFuture.completeExceptionally(
                new AsyncBatchTimeoutException(
                        inputs.size(), TimeoutAwareResultFuture.timeoutOf(resultFuture)));
    }
}
