package io.flinkinference.asyncbatch.it;

import io.flinkinference.asyncbatch.AsyncBatchDataStream;
import io.flinkinference.asyncbatch.AsyncBatchFunction;
import io.flinkinference.asyncbatch.AsyncBatchOptions;
import io.flinkinference.asyncbatch.AsyncBatchRetryStrategies;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.apache.flink.test.junit5.MiniClusterExtension;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A timeout racing a retry, many times over: the first attempt of every batch fails with a
 * retryable error, the retry's backoff ends just before the timeout, and all completions come from
 * other threads after jittered delays, so retries start before and after the timeout and late
 * answers arrive after the fallback. Every input must yield exactly one output, real or fallback,
 * and the job must finish.
 */
class AsyncBatchTimeoutRaceTest {

    private static final int RECORDS = 2400;
    private static final long TIMEOUT_MS = 50;
    private static final long BACKOFF_MS = 40;

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = ItSupport.miniCluster(new Configuration());

    static final Map<Long, AtomicInteger> ATTEMPTS = new ConcurrentHashMap<>();
    static final Map<Long, AtomicInteger> TIMEOUT_CALLS = new ConcurrentHashMap<>();
    static final AtomicInteger LATE_ANSWERS = new AtomicInteger();

    @BeforeEach
    void reset() {
        ATTEMPTS.clear();
        TIMEOUT_CALLS.clear();
        LATE_ANSWERS.set(0);
    }

    @ParameterizedTest(name = "ordered={0}")
    @ValueSource(booleans = {true, false})
    @Timeout(value = 90, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void everyInputYieldsExactlyOneOutputWhenTimeoutsRaceRetries(boolean ordered) throws Exception {
        StreamExecutionEnvironment env = ItSupport.noRestartEnv(2);
        DataStream<Long> input = ItSupport.longs(env, RECORDS, 0);
        AsyncBatchOptions options =
                AsyncBatchOptions.builder()
                        .maxBatchSize(4)
                        .maxBatchDelay(Duration.ofMillis(5))
                        .maxInFlightBatches(8)
                        .timeout(Duration.ofMillis(TIMEOUT_MS))
                        .retryStrategy(
                                AsyncBatchRetryStrategies.<String>fixedDelay(
                                                3, Duration.ofMillis(BACKOFF_MS))
                                        .ifException(e -> e instanceof IOException)
                                        .build())
                        .build();
        DataStream<String> results =
                ordered
                        ? AsyncBatchDataStream.orderedWait(
                                input, new FlakyService(), options, Types.STRING)
                        : AsyncBatchDataStream.unorderedWait(
                                input, new FlakyService(), options, Types.STRING);

        List<String> out = ItSupport.collect(results);

        Map<Long, Integer> perInput = new HashMap<>();
        int real = 0;
        int fallback = 0;
        for (String result : out) {
            String[] parts = result.split(":");
            perInput.merge(Long.parseLong(parts[1]), 1, Integer::sum);
            if (parts[0].equals("ok")) {
                real++;
            } else {
                fallback++;
            }
        }
        long duplicated = perInput.values().stream().filter(n -> n > 1).count();
        long lost = RECORDS - perInput.size();
        int timeoutCalls = TIMEOUT_CALLS.values().stream().mapToInt(AtomicInteger::get).sum();
        int attempts = ATTEMPTS.values().stream().mapToInt(AtomicInteger::get).sum();
        System.out.printf(
                "[timeout race ordered=%s] %d batches, %d attempts, %d timeout calls, %d answers "
                        + "after the timeout; outputs: %d real, %d fallback, %d duplicated "
                        + "inputs, %d lost inputs%n",
                ordered,
                ATTEMPTS.size(),
                attempts,
                timeoutCalls,
                LATE_ANSWERS.get(),
                real,
                fallback,
                duplicated,
                lost);

        assertThat(out).hasSize(RECORDS);
        assertThat(perInput).hasSize(RECORDS).allSatisfy((v, n) -> assertThat(n).isEqualTo(1));
        assertThat(perInput.keySet()).allMatch(v -> v >= 0 && v < RECORDS);
        assertThat(TIMEOUT_CALLS.values()).allSatisfy(n -> assertThat(n).hasValue(1));
        // the race was actually run: both outcomes occurred
        assertThat(real).isPositive();
        assertThat(fallback).isPositive();
    }

    /**
     * First attempt: fails with an IOException after 0-10 ms. Later attempts: answer "ok:v" after
     * 0-20 ms. The timeout answers "fallback:v", synchronously for batches starting with an even
     * input, from another thread after 0-5 ms for the others.
     */
    static class FlakyService implements AsyncBatchFunction<Long, String> {
        @Override
        public void asyncInvokeBatch(List<Long> inputs, ResultFuture<String> resultFuture) {
            long key = inputs.get(0);
            int attempt = ATTEMPTS.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
            if (attempt == 1) {
                ItSupport.SERVICE.schedule(
                        () -> resultFuture.completeExceptionally(new IOException("flaky")),
                        ItSupport.jitter(0, 10),
                        TimeUnit.MILLISECONDS);
            } else {
                List<String> out = tagged("ok", inputs);
                ItSupport.SERVICE.schedule(
                        () -> {
                            if (TIMEOUT_CALLS.containsKey(key)) {
                                LATE_ANSWERS.incrementAndGet();
                            }
                            resultFuture.complete(out);
                        },
                        ItSupport.jitter(0, 20),
                        TimeUnit.MILLISECONDS);
            }
        }

        @Override
        public void timeout(List<Long> inputs, ResultFuture<String> resultFuture) {
            long key = inputs.get(0);
            TIMEOUT_CALLS.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
            List<String> out = tagged("fallback", inputs);
            if (key % 2 == 0) {
                resultFuture.complete(out);
            } else {
                ItSupport.SERVICE.schedule(
                        () -> resultFuture.complete(out),
                        ItSupport.jitter(0, 5),
                        TimeUnit.MILLISECONDS);
            }
        }

        private static List<String> tagged(String tag, List<Long> inputs) {
            List<String> out = new ArrayList<>(inputs.size());
            inputs.forEach(v -> out.add(tag + ":" + v));
            return out;
        }
    }
}
