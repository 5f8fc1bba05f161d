package io.flinkinference.asyncbatch.it;

import io.flinkinference.asyncbatch.AsyncBatchDataStream;
import io.flinkinference.asyncbatch.AsyncBatchFunction;
import io.flinkinference.asyncbatch.AsyncBatchOptions;
import io.flinkinference.asyncbatch.AsyncBatchRetryStrategies;
import io.flinkinference.asyncbatch.AsyncBatchRetryStrategy;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.ExceptionUtils;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/** Failed batches and the default timeout fail the job with the cause in the chain. */
class AsyncBatchFailureTest {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = ItSupport.miniCluster(new Configuration());

    static final AtomicInteger ATTEMPTS_OF_FAILING_BATCH = new AtomicInteger();

    @BeforeEach
    void reset() {
        ATTEMPTS_OF_FAILING_BATCH.set(0);
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void completeExceptionallyFailsTheJobWithThatCause() {
        Throwable failure =
                runExpectingFailure(new FailsBatchOf42(Mode.COMPLETE_EXCEPTIONALLY), null);

        assertThat(ExceptionUtils.findThrowable(failure, IllegalStateException.class))
                .hasValueSatisfying(e -> assertThat(e).hasMessage("boom-42 completed"));
        assertThat(ATTEMPTS_OF_FAILING_BATCH).hasValue(1);
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void exceptionThrownFromAsyncInvokeBatchFailsTheJobWithThatCause() {
        Throwable failure = runExpectingFailure(new FailsBatchOf42(Mode.THROW), null);

        assertThat(ExceptionUtils.findThrowable(failure, IllegalArgumentException.class))
                .hasValueSatisfying(e -> assertThat(e).hasMessage("boom-42 thrown"));
        assertThat(ATTEMPTS_OF_FAILING_BATCH).hasValue(1);
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void failingBatchFailsTheJobAfterItsRetries() {
        AsyncBatchRetryStrategy<Long> retry =
                AsyncBatchRetryStrategies.<Long>fixedDelay(3, Duration.ofMillis(5))
                        .ifException(AsyncBatchRetryStrategies.anyException())
                        .build();
        Throwable failure =
                runExpectingFailure(new FailsBatchOf42(Mode.COMPLETE_EXCEPTIONALLY), retry);

        assertThat(ExceptionUtils.findThrowable(failure, IllegalStateException.class))
                .hasValueSatisfying(e -> assertThat(e).hasMessage("boom-42 completed"));
        assertThat(ATTEMPTS_OF_FAILING_BATCH).hasValue(3);
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void defaultTimeoutFailsTheJobWithATimeoutExceptionNamingSizeAndTimeout() {
        StreamExecutionEnvironment env = ItSupport.noRestartEnv(1);
        AsyncBatchDataStream.unorderedWait(
                        ItSupport.longs(env, 5, 0),
                        new NeverAnswers(),
                        AsyncBatchOptions.builder()
                                .maxBatchSize(5)
                                .timeout(Duration.ofMillis(200))
                                .build(),
                        Types.LONG)
                .sinkTo(new DiscardingSink<>());

        Throwable failure = catchThrowable(() -> env.execute("default timeout"));

        System.out.println("[default timeout] job failed with: " + failure);
        Optional<TimeoutException> timeout =
                ExceptionUtils.findThrowable(failure, TimeoutException.class);
        assertThat(timeout).isPresent();
        assertThat(timeout.get().getMessage()).contains("5 records").contains("200 ms");
    }

    private static Throwable runExpectingFailure(
            AsyncBatchFunction<Long, Long> function, AsyncBatchRetryStrategy<Long> retry) {
        StreamExecutionEnvironment env = ItSupport.noRestartEnv(1);
        AsyncBatchOptions.Builder options = AsyncBatchOptions.builder().maxBatchSize(10);
        if (retry != null) {
            options.retryStrategy(retry);
        }
        AsyncBatchDataStream.orderedWait(
                        ItSupport.longs(env, 100, 0), function, options.build(), Types.LONG)
                .sinkTo(new DiscardingSink<>());
        Throwable failure = catchThrowable(() -> env.execute("failing batch"));
        System.out.println("[failing batch] job failed with: " + failure);
        assertThat(failure).as("the job fails").isNotNull();
        return failure;
    }

    enum Mode {
        COMPLETE_EXCEPTIONALLY,
        THROW
    }

    /** Answers every batch except the one holding 42, which fails as {@link Mode} says. */
    static class FailsBatchOf42 implements AsyncBatchFunction<Long, Long> {
        private final Mode mode;

        FailsBatchOf42(Mode mode) {
            this.mode = mode;
        }

        @Override
        public void asyncInvokeBatch(List<Long> inputs, ResultFuture<Long> resultFuture) {
            if (inputs.contains(42L)) {
                ATTEMPTS_OF_FAILING_BATCH.incrementAndGet();
                if (mode == Mode.THROW) {
                    throw new IllegalArgumentException("boom-42 thrown");
                }
                ItSupport.SERVICE.schedule(
                        () ->
                                resultFuture.completeExceptionally(
                                        new IllegalStateException("boom-42 completed")),
                        5,
                        TimeUnit.MILLISECONDS);
                return;
            }
            List<Long> out = new ArrayList<>(inputs);
            ItSupport.SERVICE.schedule(() -> resultFuture.complete(out), 5, TimeUnit.MILLISECONDS);
        }
    }

    /** Never completes; the default {@code timeout} must fail the job. */
    static class NeverAnswers implements AsyncBatchFunction<Long, Long> {
        @Override
        public void asyncInvokeBatch(List<Long> inputs, ResultFuture<Long> resultFuture) {}
    }
}
