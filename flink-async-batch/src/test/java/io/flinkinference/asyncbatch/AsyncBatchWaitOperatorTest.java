package io.flinkinference.asyncbatch;

import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.datastream.AsyncDataStream.OutputMode;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Batching, ordering, backpressure, timeout, retry and state of the operator, in the harness. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AsyncBatchWaitOperatorTest {

    private static AsyncBatchOptions.Builder options(int size, long delayMillis) {
        return AsyncBatchOptions.builder()
                .maxBatchSize(size)
                .maxBatchDelay(Duration.ofMillis(delayMillis))
                .maxInFlightBatches(16);
    }

    // ---------------------------------------------------------------- triggers

    @Test
    void sendsABatchAsSoonAsItIsFull() throws Exception {
        RecordingFunction fn = new RecordingFunction();
        try (var h = OperatorHarness.create(fn, options(3, 0).build(), OutputMode.ORDERED).open()) {
            for (int i = 0; i < 7; i++) {
                h.element(i);
            }
            assertThat(fn.batches()).containsExactly(List.of(0, 1, 2), List.of(3, 4, 5));
        }
    }

    @Test
    void sendsAPartialBatchWhenItsOldestRecordHasWaitedMaxBatchDelay() throws Exception {
        RecordingFunction fn = new RecordingFunction();
        try (var h = OperatorHarness.create(fn, options(10, 100).build(), OutputMode.ORDERED)) {
            h.open();
            h.time(0);
            h.element(1);
            h.time(60);
            h.element(2);
            h.time(99);
            assertThat(fn.batches()).isEmpty();
            h.time(100);
            assertThat(fn.batches()).containsExactly(List.of(1, 2));
        }
    }

    @Test
    void aStaleTimerNeverCutsANewBatchShort() throws Exception {
        RecordingFunction fn = new RecordingFunction();
        try (var h = OperatorHarness.create(fn, options(2, 100).build(), OutputMode.ORDERED)) {
            h.open();
            h.time(0);
            h.element(1); // arms the timer for t=100
            h.element(2); // full: leaves by size; the t=100 timer must not touch the next batch
            h.time(50);
            h.element(3); // the new batch's own deadline is t=150
            h.time(100);
            assertThat(fn.batches()).containsExactly(List.of(1, 2));
            h.time(149);
            assertThat(fn.batches()).containsExactly(List.of(1, 2));
            h.time(150);
            assertThat(fn.batches()).containsExactly(List.of(1, 2), List.of(3));
        }
    }

    @Test
    void aWatermarkSendsThePartialBatchAndIsEmittedAfterItsResults() throws Exception {
        RecordingFunction fn = new RecordingFunction();
        try (var h = OperatorHarness.create(fn, options(10, 0).build(), OutputMode.UNORDERED)) {
            h.open();
            h.element(1);
            h.element(2);
            h.watermark(10);
            assertThat(fn.batches()).containsExactly(List.of(1, 2));
            assertThat(h.output()).isEmpty();
            fn.next().completeOneToOne();
            h.runMails();
            assertThat(h.output()).containsExactly("v1", "v2", "W10");
        }
    }

    @Test
    void neverSendsAnEmptyBatch() throws Exception {
        RecordingFunction fn = new RecordingFunction();
        try (var h = OperatorHarness.create(fn, options(2, 100).build(), OutputMode.UNORDERED)) {
            h.open();
            h.time(0);
            h.watermark(1); // nothing buffered
            h.element(1);
            h.element(2); // leaves by size, timer cancelled
            h.time(500);
            h.watermark(2);
            fn.next().completeOneToOne();
            h.runMails();
            h.harness.endInput();
            assertThat(fn.batches()).containsExactly(List.of(1, 2));
            assertThat(h.output()).containsExactly("W1", "v1", "v2", "W2");
        }
    }

    @Test
    void endOfInputSendsThePartialBatchAndWaitsForEveryBatchInFlight() throws Exception {
        RecordingFunction fn = new RecordingFunction();
        try (var h = OperatorHarness.create(fn, options(3, 0).build(), OutputMode.ORDERED)) {
            h.open();
            for (int i = 0; i < 5; i++) {
                h.element(i);
            }
            // Completes the two batches from another thread while endInput waits in the mailbox.
            CompletableFuture<Void> completer =
                    CompletableFuture.runAsync(
                            () -> {
                                try {
                                    fn.next().completeOneToOne();
                                    fn.next().completeOneToOne();
                                } catch (InterruptedException e) {
                                    throw new RuntimeException(e);
                                }
                            });
            h.harness.endInput();
            completer.get(10, TimeUnit.SECONDS);
            assertThat(fn.batches()).containsExactly(List.of(0, 1, 2), List.of(3, 4));
            assertThat(h.output()).containsExactly("v0", "v1", "v2", "v3", "v4");
        }
    }

    // ---------------------------------------------------------------- output order

    @Test
    void unorderedEmitsEachBatchWhenItCompletesButNeverAcrossAWatermark() throws Exception {
        RecordingFunction fn = new RecordingFunction();
        try (var h = OperatorHarness.create(fn, options(1, 0).build(), OutputMode.UNORDERED)) {
            h.open();
            h.element(1);
            h.element(2);
            h.watermark(5);
            h.element(3);
            RecordingFunction.Call first = fn.next();
            RecordingFunction.Call second = fn.next();
            RecordingFunction.Call third = fn.next();

            second.completeOneToOne();
            h.runMails();
            assertThat(h.output()).containsExactly("v2");

            third.completeOneToOne(); // behind the watermark: must wait for batch 1
            h.runMails();
            assertThat(h.output()).containsExactly("v2");

            first.completeOneToOne();
            h.runMails();
            assertThat(h.output()).containsExactly("v2", "v1", "W5", "v3");
        }
    }

    @Test
    void orderedEmitsBatchesInTheOrderTheyWereSent() throws Exception {
        RecordingFunction fn = new RecordingFunction();
        try (var h = OperatorHarness.create(fn, options(2, 0).build(), OutputMode.ORDERED)) {
            h.open();
            for (int i = 1; i <= 6; i++) {
                h.element(i);
            }
            RecordingFunction.Call a = fn.next();
            RecordingFunction.Call b = fn.next();
            RecordingFunction.Call c = fn.next();
            c.completeOneToOne();
            b.completeOneToOne();
            h.runMails();
            assertThat(h.output()).isEmpty();
            a.completeOneToOne();
            h.runMails();
            assertThat(h.output()).containsExactly("v1", "v2", "v3", "v4", "v5", "v6");
        }
    }

    @Test
    void oneOutputPerInputKeepsEachInputsTimestampOtherwiseTheBatchsLatest() throws Exception {
        RecordingFunction fn = new RecordingFunction();
        try (var h = OperatorHarness.create(fn, options(3, 0).build(), OutputMode.ORDERED)) {
            h.open();
            h.element(1, 100L);
            h.element(2, 300L);
            h.element(3, 200L);
            h.element(4, 10L);
            h.element(5, 30L);
            h.element(6, 20L);
            fn.next().completeOneToOne();
            fn.next().future().complete(List.of("x", "y"));
            h.runMails();
            assertThat(h.records())
                    .extracting(StreamRecord::getValue, StreamRecord::getTimestamp)
                    .containsExactly(
                            org.assertj.core.groups.Tuple.tuple("v1", 100L),
                            org.assertj.core.groups.Tuple.tuple("v2", 300L),
                            org.assertj.core.groups.Tuple.tuple("v3", 200L),
                            org.assertj.core.groups.Tuple.tuple("x", 30L),
                            org.assertj.core.groups.Tuple.tuple("y", 30L));
        }
    }

    @Test
    void inputsWithoutATimestampGiveResultsWithoutOne() throws Exception {
        RecordingFunction fn = new RecordingFunction();
        try (var h = OperatorHarness.create(fn, options(3, 0).build(), OutputMode.ORDERED)) {
            h.open();
            h.element(1);
            h.element(2, Long.MIN_VALUE); // Flink's NO_TIMESTAMP
            h.element(3);
            h.element(4);
            h.element(5, 50L);
            h.element(6);
            fn.next().completeOneToOne();
            fn.next().future().complete(List.of("x"));
            h.runMails();
            assertThat(h.records())
                    .extracting(StreamRecord::getValue, StreamRecord::hasTimestamp)
                    .containsExactly(
                            org.assertj.core.groups.Tuple.tuple("v1", false),
                            org.assertj.core.groups.Tuple.tuple("v2", false),
                            org.assertj.core.groups.Tuple.tuple("v3", false),
                            org.assertj.core.groups.Tuple.tuple("x", true));
            assertThat(h.records().get(3).getTimestamp()).isEqualTo(50L);
        }
    }

    // ---------------------------------------------------------------- backpressure

    @Test
    void aFullBatchWaitsInProcessElementUntilAnInFlightBatchIsEmitted() throws Exception {
        RecordingFunction fn = new RecordingFunction();
        AsyncBatchOptions opts = options(1, 0).maxInFlightBatches(2).build();
        try (var h = OperatorHarness.create(fn, opts, OutputMode.UNORDERED).open()) {
            h.element(1);
            h.element(2);
            CountDownLatch thirdCallMadeBeforeRelease = new CountDownLatch(1);
            CompletableFuture<Integer> callsWhileBlocked =
                    CompletableFuture.supplyAsync(
                            () -> {
                                try {
                                    RecordingFunction.Call first = fn.next();
                                    fn.next();
                                    // processElement(3) is running on the test thread now; give it
                                    // every chance to (wrongly) send a third batch.
                                    if (fn.calls.poll(200, TimeUnit.MILLISECONDS) != null) {
                                        thirdCallMadeBeforeRelease.countDown();
                                    }
                                    int seen = fn.history.size();
                                    first.completeOneToOne();
                                    return seen;
                                } catch (InterruptedException e) {
                                    throw new RuntimeException(e);
                                }
                            });
            h.element(3); // blocks (yielding to the mailbox) until batch 1 is emitted
            assertThat(callsWhileBlocked.get(10, TimeUnit.SECONDS)).isEqualTo(2);
            assertThat(thirdCallMadeBeforeRelease.getCount()).isEqualTo(1);
            assertThat(fn.batches()).containsExactly(List.of(1), List.of(2), List.of(3));
            assertThat(h.output()).containsExactly("v1");
        }
    }

    @Test
    void aBatchWhoseTimerFiresWithNoFreeSlotLeavesWhenOneFrees() throws Exception {
        RecordingFunction fn = new RecordingFunction();
        AsyncBatchOptions opts = options(10, 100).maxInFlightBatches(1).build();
        try (var h = OperatorHarness.create(fn, opts, OutputMode.UNORDERED)) {
            h.open();
            h.time(0);
            h.element(1);
            h.time(100);
            h.element(2);
            h.time(200); // batch [2] is due, but batch [1] holds the only slot
            assertThat(fn.batches()).containsExactly(List.of(1));
            fn.next().completeOneToOne();
            h.runMails();
            assertThat(fn.batches()).containsExactly(List.of(1), List.of(2));
        }
    }

    // ---------------------------------------------------------------- failures

    @Test
    void onlyTheFirstCompletionOfAFutureCounts() throws Exception {
        RecordingFunction fn = new RecordingFunction();
        try (var h = OperatorHarness.create(fn, options(1, 0).build(), OutputMode.ORDERED)) {
            h.open();
            h.element(1);
            ResultFuture<String> future = fn.next().future();
            future.complete(List.of("first"));
            future.complete(List.of("second"));
            future.completeExceptionally(new RuntimeException("ignored"));
            h.runMails();
            assertThat(h.output()).containsExactly("first");
        }
    }

    @Test
    void anExceptionalCompletionFailsTheTaskWithItsCause() throws Exception {
        RecordingFunction fn = new RecordingFunction();
        try (var h = OperatorHarness.create(fn, options(2, 0).build(), OutputMode.ORDERED)) {
            h.open();
            h.element(1);
            h.element(2);
            fn.next().future().completeExceptionally(new IllegalStateException("model crashed"));
            assertThatThrownBy(h::runMails)
                    .isInstanceOf(AsyncBatchException.class)
                    .hasMessageContaining("2 records")
                    .hasRootCauseMessage("model crashed");
        }
    }

    @Test
    void anExceptionThrownByTheFunctionFailsTheTask() throws Exception {
        AsyncBatchFunction<Integer, String> throwing =
                (inputs, future) -> {
                    throw new java.io.IOException("connection refused");
                };
        try (var h = OperatorHarness.create(throwing, options(1, 0).build(), OutputMode.ORDERED)) {
            h.open();
            h.element(1);
            assertThatThrownBy(h::runMails)
                    .isInstanceOf(AsyncBatchException.class)
                    .hasRootCauseInstanceOf(java.io.IOException.class);
        }
    }

    @Test
    void aRetryableExceptionIsRetriedAfterTheBackoffWithTheSameInputs() throws Exception {
        RecordingFunction fn = new RecordingFunction();
        AsyncBatchOptions opts =
                options(2, 0)
                        .retryStrategy(
                                AsyncBatchRetryStrategies.<String>fixedDelay(
                                                3, Duration.ofMillis(10))
                                        .ifException(e -> e instanceof java.io.IOException)
                                        .build())
                        .build();
        try (var h = OperatorHarness.create(fn, opts, OutputMode.ORDERED)) {
            h.open();
            h.time(0);
            h.element(1);
            h.element(2);
            fn.next().future().completeExceptionally(new java.io.IOException("flaky"));
            h.runMails();
            h.time(9);
            assertThat(fn.history).hasSize(1);
            h.time(10);
            assertThat(fn.batches()).containsExactly(List.of(1, 2), List.of(1, 2));
            fn.next().completeOneToOne();
            h.runMails();
            assertThat(h.output()).containsExactly("v1", "v2");
        }
    }

    @Test
    void aResultMatchingTheRetryPredicateIsRetriedAndExhaustedRetriesFailTheTask()
            throws Exception {
        RecordingFunction fn = new RecordingFunction();
        AsyncBatchOptions opts =
                options(1, 0)
                        .retryStrategy(
                                AsyncBatchRetryStrategies.<String>fixedDelay(
                                                2, Duration.ofMillis(5))
                                        .ifResult(AsyncBatchRetryStrategies.emptyResult())
                                        .ifException(AsyncBatchRetryStrategies.anyException())
                                        .build())
                        .build();
        try (var h = OperatorHarness.create(fn, opts, OutputMode.ORDERED)) {
            h.open();
            h.time(0);
            h.element(7);
            fn.next().future().complete(List.of()); // empty: retry
            h.runMails();
            h.time(5);
            fn.next().future().completeExceptionally(new RuntimeException("still broken"));
            assertThatThrownBy(h::runMails)
                    .isInstanceOf(AsyncBatchException.class)
                    .hasMessageContaining("after 2 attempt(s)")
                    .hasRootCauseMessage("still broken");
        }
    }

    @Test
    void theDefaultTimeoutFailsWithATimeoutExceptionNamingBatchSizeAndTimeout() throws Exception {
        RecordingFunction fn = new RecordingFunction();
        AsyncBatchOptions opts = options(3, 0).timeout(Duration.ofMillis(100)).build();
        try (var h = OperatorHarness.create(fn, opts, OutputMode.ORDERED)) {
            h.open();
            h.time(0);
            h.element(1);
            h.element(2);
            h.element(3);
            h.harness.setProcessingTime(100);
            assertThatThrownBy(h::runMails)
                    .isInstanceOf(AsyncBatchException.class)
                    .rootCause()
                    .isInstanceOf(AsyncBatchTimeoutException.class)
                    .hasMessageContaining("3 records")
                    .hasMessageContaining("100 ms");
        }
    }

    @Test
    void aTimeoutFallbackIsEmittedAndTheLateResultIgnored() throws Exception {
        FallbackFunction fn = new FallbackFunction();
        AsyncBatchOptions opts = options(2, 0).timeout(Duration.ofMillis(100)).build();
        try (var h = OperatorHarness.create(fn, opts, OutputMode.ORDERED)) {
            h.open();
            h.time(0);
            h.element(1);
            h.element(2);
            RecordingFunction.Call call = fn.next();
            h.time(100);
            call.completeOneToOne(); // too late
            h.runMails();
            assertThat(h.output()).containsExactly("fallback-1", "fallback-2");
            assertThat(fn.timeouts).isEqualTo(1);
        }
    }

    @Test
    void aTimeoutRacingARetryNeitherDropsNorDuplicatesTheBatch() throws Exception {
        // The retry timer and the timeout timer fire at the same processing time, in either order
        // depending on registration; after either order the batch ends exactly once.
        for (int iteration = 0; iteration < 200; iteration++) {
            long backoff = 95 + (iteration % 11); // 95..105 around the 100 ms timeout
            FallbackFunction fn = new FallbackFunction();
            AsyncBatchOptions opts =
                    options(2, 0)
                            .timeout(Duration.ofMillis(100))
                            .retryStrategy(
                                    AsyncBatchRetryStrategies.<String>fixedDelay(
                                                    5, Duration.ofMillis(backoff))
                                            .ifException(AsyncBatchRetryStrategies.anyException())
                                            .build())
                            .build();
            try (var h = OperatorHarness.create(fn, opts, OutputMode.UNORDERED)) {
                h.open();
                h.time(0);
                h.element(1);
                h.element(2);
                fn.next().future().completeExceptionally(new RuntimeException("retry me"));
                h.runMails();
                h.time(110); // both timers due
                // A retry that was invoked before the timeout completes late and must be ignored.
                RecordingFunction.Call retry = fn.calls.poll();
                if (retry != null) {
                    retry.completeOneToOne();
                }
                h.runMails();
                assertThat(h.output())
                        .as("iteration %d, backoff %d ms", iteration, backoff)
                        .containsExactly("fallback-1", "fallback-2");
                assertThat(fn.timeouts).isEqualTo(1);
            }
        }
    }

    @Test
    void retriesAndTheTimeoutHandlerGetTheSameInputListInstance() throws Exception {
        List<List<Integer>> invoked = new ArrayList<>();
        List<List<Integer>> timedOut = new ArrayList<>();
        AsyncBatchFunction<Integer, String> fn =
                new AsyncBatchFunction<>() {
                    @Override
                    public void asyncInvokeBatch(
                            List<Integer> inputs, ResultFuture<String> resultFuture) {
                        invoked.add(inputs);
                        resultFuture.completeExceptionally(new RuntimeException("again"));
                    }

                    @Override
                    public void timeout(List<Integer> inputs, ResultFuture<String> resultFuture) {
                        timedOut.add(inputs);
                        resultFuture.complete(List.of());
                    }
                };
        AsyncBatchOptions opts =
                options(2, 0)
                        .timeout(Duration.ofMillis(50))
                        .retryStrategy(
                                AsyncBatchRetryStrategies.<String>fixedDelay(
                                                10, Duration.ofMillis(10))
                                        .ifException(AsyncBatchRetryStrategies.anyException())
                                        .build())
                        .build();
        try (var h = OperatorHarness.create(fn, opts, OutputMode.ORDERED)) {
            h.open();
            h.time(0);
            h.element(1);
            h.element(2);
            for (long t = 0; t <= 50; t += 10) {
                h.time(t);
            }
            assertThat(invoked).hasSizeGreaterThan(1);
            assertThat(timedOut).hasSize(1);
            for (List<Integer> inputs : invoked) {
                assertThat(inputs).isSameAs(timedOut.get(0));
            }
        }
    }

    @Test
    void theFunctionGetsTheBatchsValuesInArrivalOrderAsAnUnmodifiableList() throws Exception {
        List<List<Integer>> invoked = new ArrayList<>();
        AsyncBatchFunction<Integer, String> fn =
                (inputs, resultFuture) -> {
                    invoked.add(inputs);
                    resultFuture.complete(List.of());
                };
        try (var h = OperatorHarness.create(fn, options(3, 0).build(), OutputMode.ORDERED)) {
            h.open();
            h.element(7);
            h.element(8);
            h.element(9);
            assertThat(invoked).hasSize(1);
            List<Integer> inputs = invoked.get(0);
            assertThat(inputs).containsExactly(7, 8, 9);
            assertThat(inputs.toArray()).containsExactly(7, 8, 9);
            assertThat(inputs.toArray(new Integer[0])).containsExactly(7, 8, 9);
            assertThat(new ArrayList<>(inputs)).containsExactly(7, 8, 9);
            assertThatThrownBy(() -> inputs.add(10))
                    .isInstanceOf(UnsupportedOperationException.class);
            assertThatThrownBy(() -> inputs.set(0, 10))
                    .isInstanceOf(UnsupportedOperationException.class);
            assertThatThrownBy(() -> inputs.remove(0))
                    .isInstanceOf(UnsupportedOperationException.class);
        }
    }

    // ---------------------------------------------------------------- state and object reuse

    @Test
    void aSnapshotHoldsBufferedAndInFlightInputsAndRestoreSendsThemAgain() throws Exception {
        RecordingFunction before = new RecordingFunction();
        OperatorSubtaskState state;
        try (var h = OperatorHarness.create(before, options(2, 0).build(), OutputMode.ORDERED)) {
            h.open();
            h.element(1);
            h.element(2); // batch [1,2] in flight
            h.element(3);
            h.element(4); // batch [3,4] completed but waiting behind [1,2] (ordered)
            h.watermark(9);
            h.element(5); // buffered
            before.next();
            before.next().completeOneToOne();
            h.runMails();
            assertThat(h.output()).isEmpty();
            state = h.snapshot();
        }

        RecordingFunction after = new RecordingFunction();
        try (var h = OperatorHarness.create(after, options(2, 0).build(), OutputMode.ORDERED)) {
            h.restoreAndOpen(state);
            // In-flight and completed-but-unemitted batches are sent again; 5 is buffered again.
            assertThat(after.batches()).containsExactly(List.of(1, 2), List.of(3, 4));
            after.next().completeOneToOne();
            after.next().completeOneToOne();
            h.runMails();
            CompletableFuture<Void> completer =
                    CompletableFuture.runAsync(
                            () -> {
                                try {
                                    after.next().completeOneToOne();
                                } catch (InterruptedException e) {
                                    throw new RuntimeException(e);
                                }
                            });
            h.harness.endInput();
            completer.get(10, TimeUnit.SECONDS);
            assertThat(after.batches()).containsExactly(List.of(1, 2), List.of(3, 4), List.of(5));
            assertThat(h.output()).containsExactly("v1", "v2", "v3", "v4", "W9", "v5");
        }
    }

    /** A mutable record type, reused by its producer under object reuse. */
    public static class Box {
        public int value;

        public Box() {}
    }

    @Test
    void withObjectReuseInputsAreCopiedOnArrival() throws Exception {
        List<List<Integer>> seen = new ArrayList<>();
        AsyncBatchFunction<Box, Integer> fn =
                (inputs, future) -> {
                    List<Integer> values = new ArrayList<>();
                    for (Box box : inputs) {
                        values.add(box.value);
                    }
                    seen.add(values);
                    future.complete(values);
                };
        TypeSerializer<Box> serializer =
                TypeInformation.of(Box.class).createSerializer(new SerializerConfigImpl());
        try (var h =
                OperatorHarness.create(fn, options(3, 0).build(), OutputMode.ORDERED, serializer)) {
            h.harness.getExecutionConfig().enableObjectReuse();
            h.open();
            Box reused = new Box();
            StreamRecord<Box> record = new StreamRecord<>(reused);
            for (int i = 1; i <= 3; i++) {
                reused.value = i;
                h.harness.processElement(record);
            }
            assertThat(seen).containsExactly(List.of(1, 2, 3));
        }
    }

    /** Records calls like {@link RecordingFunction} and answers timeouts with a fallback. */
    static final class FallbackFunction extends RecordingFunction {
        private static final long serialVersionUID = 1L;
        int timeouts;

        @Override
        public void timeout(List<Integer> inputs, ResultFuture<String> resultFuture) {
            timeouts++;
            List<String> out = new ArrayList<>();
            for (Integer input : inputs) {
                out.add("fallback-" + input);
            }
            resultFuture.complete(out);
        }
    }
}
