package io.flinkinference.sidecar.client;

import io.flinkinference.sidecar.client.codec.TensorCodec;
import io.flinkinference.sidecar.client.stream.BatchCallback;

import org.apache.flink.streaming.api.functions.async.ResultFuture;

import java.util.Arrays;
import java.util.List;

/**
 * One call of {@link SidecarBatchFunction#asyncInvokeBatch}: collects the decoded results in the
 * batch's input order and completes the {@link ResultFuture} once, when the last item has answered
 * or at the first failure.
 */
final class BatchCall<IN, OUT> implements BatchCallback {

    private final List<IN> inputs;
    private final TensorCodec<IN, OUT> codec;
    private final ResultFuture<OUT> resultFuture;
    private final Object[] results;
    private int remaining;
    private volatile boolean done;

    BatchCall(List<IN> inputs, TensorCodec<IN, OUT> codec, ResultFuture<OUT> resultFuture) {
        this.inputs = inputs;
        this.codec = codec;
        this.resultFuture = resultFuture;
        this.results = new Object[inputs.size()];
        this.remaining = inputs.size();
    }

    @Override
    public int size() {
        return results.length;
    }

    @Override
    public void onItemResult(int index, byte[] payload) {
        if (done || results[index] != null) {
            return;
        }
        OUT decoded;
        try {
            decoded = codec.decode(inputs.get(index), payload);
        } catch (Exception e) {
            onFailure(
                    new SidecarClientException(
                            "Decoding the result of item "
                                    + index
                                    + " of a batch of "
                                    + results.length
                                    + " with codec "
                                    + codec
                                    + " failed: "
                                    + e.getMessage(),
                            e));
            return;
        }
        if (decoded == null) {
            onFailure(
                    new SidecarClientException(
                            "Codec " + codec + " decoded item " + index + " to null"));
            return;
        }
        results[index] = decoded;
        if (--remaining == 0) {
            done = true;
            @SuppressWarnings("unchecked")
            List<OUT> list = (List<OUT>) Arrays.asList(results);
            resultFuture.complete(list);
        }
    }

    @Override
    public void onFailure(Throwable error) {
        if (done) {
            return;
        }
        done = true;
        resultFuture.completeExceptionally(error);
    }

    /** Stops the call without completing its future (the operator timed it out). */
    void abandon() {
        done = true;
    }

    @Override
    public boolean isDone() {
        return done;
    }
}
