package io.flinkinference.benchmarks.operator;

import io.flinkinference.asyncbatch.AsyncBatchDataStream;
import io.flinkinference.asyncbatch.AsyncBatchFunction;
import io.flinkinference.asyncbatch.AsyncBatchOptions;
import io.flinkinference.benchmarks.harness.CountingSink;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.AsyncDataStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.async.AsyncFunction;
import org.apache.flink.streaming.api.functions.async.ResultFuture;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** The pipelines the operator scenarios compare: a fast source, one operator, a counting sink. */
final class OperatorJobs {

    private OperatorJobs() {}

    /** An endless stream of longs, as fast as the pipeline takes them. */
    static DataStream<Long> source(StreamExecutionEnvironment env) {
        return env.fromSequence(0, Long.MAX_VALUE - 1).name("longs");
    }

    /** Our operator, unordered, with {@code function}. */
    static Consumer<StreamExecutionEnvironment> batchOperator(
            AsyncBatchFunction<Long, Long> function, int batchSize, int inFlight) {
        AsyncBatchOptions options =
                AsyncBatchOptions.builder()
                        .maxBatchSize(batchSize)
                        .maxBatchDelay(Duration.ofMillis(10))
                        .maxInFlightBatches(inFlight)
                        .build();
        return env ->
                CountingSink.to(
                        AsyncBatchDataStream.unorderedWait(
                                source(env), function, options, Types.LONG));
    }

    /** Flink's {@code AsyncDataStream.unorderedWait} with {@code function}. */
    static Consumer<StreamExecutionEnvironment> asyncWait(
            AsyncFunction<Long, Long> function, int capacity) {
        return env ->
                CountingSink.to(
                        AsyncDataStream.unorderedWait(
                                        source(env), function, 10, TimeUnit.MINUTES, capacity)
                                .returns(Types.LONG));
    }

    /** Calls the {@link SimulatedService} once per batch. */
    static final class BatchServiceCall implements AsyncBatchFunction<Long, Long> {
        @Override
        public void asyncInvokeBatch(List<Long> inputs, ResultFuture<Long> result) {
            List<Long> out = new ArrayList<>(inputs);
            SimulatedService.current()
                    .call(out.size())
                    .whenComplete(
                            (ok, error) -> {
                                if (error != null) {
                                    result.completeExceptionally(error);
                                } else {
                                    result.complete(out);
                                }
                            });
        }
    }

    /** Calls the {@link SimulatedService} once per record. */
    static final class RecordServiceCall implements AsyncFunction<Long, Long> {
        @Override
        public void asyncInvoke(Long input, ResultFuture<Long> result) {
            SimulatedService.current()
                    .call(1)
                    .whenComplete(
                            (ok, error) -> {
                                if (error != null) {
                                    result.completeExceptionally(error);
                                } else {
                                    result.complete(Collections.singletonList(input));
                                }
                            });
        }
    }

    /** Completes each batch at once, on the calling thread. */
    static final class InstantBatch implements AsyncBatchFunction<Long, Long> {
        @Override
        public void asyncInvokeBatch(List<Long> inputs, ResultFuture<Long> result) {
            result.complete(new ArrayList<>(inputs));
        }
    }

    /** Completes each record at once, on the calling thread. */
    static final class InstantRecord implements AsyncFunction<Long, Long> {
        @Override
        public void asyncInvoke(Long input, ResultFuture<Long> result) {
            result.complete(Collections.singletonList(input));
        }
    }
}
