package io.flinkinference.asyncbatch;

import org.apache.flink.streaming.api.functions.async.ResultFuture;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** Records every call; the test completes each call's future when and how it wants. */
class RecordingFunction implements AsyncBatchFunction<Integer, String> {

    private static final long serialVersionUID = 1L;

    /** One call of asyncInvokeBatch: a copy of its inputs and its future. */
    record Call(List<Integer> inputs, ResultFuture<String> future) {
        /** Completes with one output per input: "v" + input. */
        void completeOneToOne() {
            List<String> out = new ArrayList<>();
            for (Integer input : inputs) {
                out.add("v" + input);
            }
            future.complete(out);
        }
    }

    final BlockingQueue<Call> calls = new LinkedBlockingQueue<>();
    final List<Call> history = new java.util.concurrent.CopyOnWriteArrayList<>();

    @Override
    public void asyncInvokeBatch(List<Integer> inputs, ResultFuture<String> resultFuture) {
        Call call = new Call(List.copyOf(inputs), resultFuture);
        history.add(call);
        calls.add(call);
    }

    /** The next call, waiting for it if needed. */
    Call next() throws InterruptedException {
        Call call = calls.poll(10, TimeUnit.SECONDS);
        if (call == null) {
            throw new AssertionError("expected a call of asyncInvokeBatch within 10 s");
        }
        return call;
    }

    /** The inputs of every call so far. */
    List<List<Integer>> batches() {
        List<List<Integer>> batches = new ArrayList<>();
        for (Call call : history) {
            batches.add(call.inputs());
        }
        return batches;
    }
}
