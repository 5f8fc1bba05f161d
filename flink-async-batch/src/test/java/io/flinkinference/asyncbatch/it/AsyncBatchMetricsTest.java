package io.flinkinference.asyncbatch.it;

import io.flinkinference.asyncbatch.AsyncBatchDataStream;
import io.flinkinference.asyncbatch.AsyncBatchOptions;
import io.flinkinference.asyncbatch.AsyncBatchRetryStrategies;
import io.flinkinference.asyncbatch.RichAsyncBatchFunction;

import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.groups.OperatorMetricGroup;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.test.junit5.MiniClusterExtension;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The operator's metrics, read through Flink's in-memory reporter, equal what the batch function
 * observed: batches, records, attempts, timeouts, failures, and live gauges.
 */
class AsyncBatchMetricsTest {

    private static final String OPERATOR = "batch-metrics-op";
    private static final int RECORDS = 200;
    private static final int BATCH = 10;
    private static final int MAX_IN_FLIGHT = 3;
    private static final long TIMEOUT_MS = 150;

    static final InMemoryReporter REPORTER = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            ItSupport.miniCluster(REPORTER.addToConfiguration(new Configuration()));

    static final Map<Long, AtomicInteger> ATTEMPTS_BY_BATCH = new ConcurrentHashMap<>();
    static final AtomicInteger RECORDS_SEEN = new AtomicInteger();
    static final AtomicInteger TIMEOUT_CALLS = new AtomicInteger();
    static final AtomicInteger MAX_IN_FLIGHT_BATCHES_SEEN = new AtomicInteger();
    static final AtomicInteger MAX_IN_FLIGHT_RECORDS_SEEN = new AtomicInteger();
    static final AtomicInteger MAX_BUFFERED_SEEN = new AtomicInteger();
    static final Queue<Long> OUTPUT = new ConcurrentLinkedQueue<>();

    @BeforeEach
    void reset() {
        ATTEMPTS_BY_BATCH.clear();
        RECORDS_SEEN.set(0);
        TIMEOUT_CALLS.set(0);
        MAX_IN_FLIGHT_BATCHES_SEEN.set(0);
        MAX_IN_FLIGHT_RECORDS_SEEN.set(0);
        MAX_BUFFERED_SEEN.set(0);
        OUTPUT.clear();
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void metricsEqualWhatTheFunctionSaw() throws Exception {
        StreamExecutionEnvironment env = ItSupport.noRestartEnv(1);
        DataStream<Long> results =
                AsyncBatchDataStream.orderedWait(
                                ItSupport.longs(env, RECORDS, 0),
                                new ScriptedService(),
                                AsyncBatchOptions.builder()
                                        .maxBatchSize(BATCH)
                                        .maxBatchDelay(Duration.ZERO)
                                        .maxInFlightBatches(MAX_IN_FLIGHT)
                                        .timeout(Duration.ofMillis(TIMEOUT_MS))
                                        .recordLatencySampleInterval(1)
                                        .retryStrategy(
                                                AsyncBatchRetryStrategies.<Long>fixedDelay(
                                                                3, Duration.ofMillis(20))
                                                        .ifException(e -> e instanceof IOException)
                                                        .build())
                                        .build(),
                                Types.LONG)
                        .name(OPERATOR);
        results.map(v -> OUTPUT.add(v) ? v : v).sinkTo(new DiscardingSink<>());
        JobClient job = env.executeAsync("metrics");
        job.getJobExecutionResult().get();

        Map<String, Metric> metrics = operatorMetrics(job.getJobID());
        int batches = ATTEMPTS_BY_BATCH.size();
        int attempts = ATTEMPTS_BY_BATCH.values().stream().mapToInt(AtomicInteger::get).sum();
        int timeouts = TIMEOUT_CALLS.get();
        System.out.printf(
                "[metrics] function saw %d batches, %d records, %d attempts, %d timeouts; "
                        + "operator metrics: %s%n",
                batches, RECORDS_SEEN.get(), attempts, timeouts, describe(metrics));

        // what the script makes happen
        assertThat(batches).isEqualTo(RECORDS / BATCH);
        assertThat(RECORDS_SEEN.get()).isEqualTo(RECORDS);
        assertThat(attempts - batches).isEqualTo(4); // batches 1, 6, 11, 16 fail once
        assertThat(timeouts).isEqualTo(4); // batches 3, 8, 13, 18 never complete in time

        assertThat(counter(metrics, "batchesSent")).isEqualTo(batches);
        assertThat(counter(metrics, "batchRetries")).isEqualTo(attempts - batches);
        assertThat(counter(metrics, "batchesTimedOut")).isEqualTo(timeouts);
        assertThat(counter(metrics, "batchesSucceeded")).isEqualTo(batches - timeouts);
        assertThat(counter(metrics, "batchesFailed")).isZero();

        Histogram batchSize = histogram(metrics, "batchSize");
        assertThat(batchSize.getCount()).isEqualTo(batches);
        assertThat(batchSize.getStatistics().getMin()).isEqualTo(BATCH);
        assertThat(batchSize.getStatistics().getMax()).isEqualTo(BATCH);
        Histogram batchLatency = histogram(metrics, "batchLatencyMs");
        assertThat(batchLatency.getCount()).isEqualTo(batches);
        // timed-out batches complete (with the fallback) no earlier than the timeout
        assertThat(batchLatency.getStatistics().getMax()).isGreaterThanOrEqualTo(TIMEOUT_MS);
        Histogram recordLatency = histogram(metrics, "recordLatencyMs");
        assertThat(recordLatency.getCount()).isEqualTo(RECORDS);
        assertThat(recordLatency.getStatistics().getMax()).isGreaterThanOrEqualTo(TIMEOUT_MS);

        // gauges, as seen from the service while batches were outstanding, then at the end
        assertThat(MAX_IN_FLIGHT_BATCHES_SEEN.get()).isBetween(1, MAX_IN_FLIGHT);
        assertThat(MAX_IN_FLIGHT_RECORDS_SEEN.get())
                .isBetween(BATCH, MAX_IN_FLIGHT * BATCH)
                .isEqualTo(MAX_IN_FLIGHT_BATCHES_SEEN.get() * BATCH);
        assertThat(MAX_BUFFERED_SEEN.get()).isBetween(1, BATCH);
        assertThat(gauge(metrics, "inFlightBatches")).isZero();
        assertThat(gauge(metrics, "inFlightRecords")).isZero();
        assertThat(gauge(metrics, "bufferedRecords")).isZero();

        // fallbacks (negated inputs) for the timed-out batches, real results for the others
        List<Long> expected = new ArrayList<>();
        for (long i = 0; i < RECORDS; i++) {
            expected.add((i / BATCH) % 5 == 3 ? -i : i);
        }
        assertThat(OUTPUT).containsExactlyElementsOf(expected);
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void recordLatencyMeasuresOneRecordInTheSampleInterval() throws Exception {
        int records = 4000;
        int interval = 4;
        StreamExecutionEnvironment env = ItSupport.noRestartEnv(1);
        AsyncBatchDataStream.unorderedWait(
                        ItSupport.longs(env, records, 0),
                        new Echo(),
                        AsyncBatchOptions.builder()
                                .maxBatchSize(16)
                                .recordLatencySampleInterval(interval)
                                .build(),
                        Types.LONG)
                .name(OPERATOR)
                .sinkTo(new DiscardingSink<>());
        JobClient job = env.executeAsync("metrics-sampled");
        job.getJobExecutionResult().get();

        Map<String, Metric> metrics = operatorMetrics(job.getJobID());
        assertThat(counter(metrics, "batchesSent")).isEqualTo(records / 16);
        // One in four on average (4 random positions of each full batch of 16): about 1000.
        assertThat(histogram(metrics, "recordLatencyMs").getCount()).isBetween(850L, 1150L);
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void failedBatchIsCountedAfterItsRetries() throws Exception {
        StreamExecutionEnvironment env = ItSupport.noRestartEnv(1);
        AsyncBatchDataStream.unorderedWait(
                        ItSupport.longs(env, 5, 0),
                        new AlwaysFailing(),
                        AsyncBatchOptions.builder()
                                .maxBatchSize(5)
                                .retryStrategy(
                                        AsyncBatchRetryStrategies.<Long>fixedDelay(
                                                        2, Duration.ofMillis(5))
                                                .ifException(
                                                        AsyncBatchRetryStrategies.anyException())
                                                .build())
                                .build(),
                        Types.LONG)
                .name(OPERATOR)
                .sinkTo(new DiscardingSink<>());
        JobClient job = env.executeAsync("metrics-failure");
        assertThatThrownBy(() -> job.getJobExecutionResult().get())
                .isInstanceOf(ExecutionException.class);

        Map<String, Metric> metrics = operatorMetrics(job.getJobID());
        System.out.printf("[metrics, failing batch] %s%n", describe(metrics));
        assertThat(ATTEMPTS_BY_BATCH.get(0L)).hasValue(2);
        assertThat(counter(metrics, "batchesSent")).isEqualTo(1);
        assertThat(counter(metrics, "batchRetries")).isEqualTo(1);
        assertThat(counter(metrics, "batchesFailed")).isEqualTo(1);
        assertThat(counter(metrics, "batchesSucceeded")).isZero();
        assertThat(counter(metrics, "batchesTimedOut")).isZero();
    }

    private static Map<String, Metric> operatorMetrics(JobID jobId) {
        List<OperatorMetricGroup> groups = REPORTER.findOperatorMetricGroups(jobId, OPERATOR);
        assertThat(groups).hasSize(1);
        return REPORTER.getMetricsByGroup(groups.get(0));
    }

    private static long counter(Map<String, Metric> metrics, String name) {
        assertThat(metrics).containsKey(name);
        return ((Counter) metrics.get(name)).getCount();
    }

    private static Histogram histogram(Map<String, Metric> metrics, String name) {
        assertThat(metrics).containsKey(name);
        return (Histogram) metrics.get(name);
    }

    private static int gauge(Map<String, Metric> metrics, String name) {
        assertThat(metrics).containsKey(name);
        return ((Number) ((Gauge<?>) metrics.get(name)).getValue()).intValue();
    }

    private static String describe(Map<String, Metric> metrics) {
        StringBuilder out = new StringBuilder();
        for (String name :
                List.of(
                        "batchesSent",
                        "batchesSucceeded",
                        "batchesFailed",
                        "batchesTimedOut",
                        "batchRetries")) {
            if (metrics.get(name) instanceof Counter) {
                out.append(name).append('=').append(((Counter) metrics.get(name)).getCount());
                out.append(' ');
            }
        }
        for (String name : List.of("batchSize", "batchLatencyMs", "recordLatencyMs")) {
            if (metrics.get(name) instanceof Histogram) {
                out.append(name).append(".count=");
                out.append(((Histogram) metrics.get(name)).getCount()).append(' ');
            }
        }
        return out.toString().trim();
    }

    /**
     * By batch index b (first input / 10): b % 5 == 1 fails once with a retryable IOException; b %
     * 5 == 3 answers only after the timeout (the fallback wins, the late answer is ignored); the
     * others answer after 5-20 ms. Before answering, it reads the operator's gauges.
     */
    static class ScriptedService extends RichAsyncBatchFunction<Long, Long> {
        private transient volatile Map<String, Metric> gauges;

        @Override
        public void asyncInvokeBatch(List<Long> inputs, ResultFuture<Long> resultFuture) {
            long first = inputs.get(0);
            int attempt =
                    ATTEMPTS_BY_BATCH
                            .computeIfAbsent(first, k -> new AtomicInteger())
                            .incrementAndGet();
            if (attempt == 1) {
                RECORDS_SEEN.addAndGet(inputs.size());
            }
            if (gauges == null) {
                gauges = REPORTER.getMetricsByGroup(getRuntimeContext().getMetricGroup());
            }
            long batchIndex = first / BATCH;
            List<Long> out = new ArrayList<>(inputs);
            if (batchIndex % 5 == 1 && attempt == 1) {
                ItSupport.SERVICE.schedule(
                        () -> resultFuture.completeExceptionally(new IOException("flaky")),
                        2,
                        TimeUnit.MILLISECONDS);
            } else if (batchIndex % 5 == 3) {
                ItSupport.SERVICE.schedule(
                        () -> resultFuture.complete(out), 2 * TIMEOUT_MS, TimeUnit.MILLISECONDS);
            } else {
                ItSupport.SERVICE.schedule(
                        () -> {
                            sampleGauges();
                            resultFuture.complete(out);
                        },
                        ItSupport.jitter(5, 20),
                        TimeUnit.MILLISECONDS);
            }
        }

        @Override
        public void timeout(List<Long> inputs, ResultFuture<Long> resultFuture) {
            TIMEOUT_CALLS.incrementAndGet();
            List<Long> fallback = new ArrayList<>();
            inputs.forEach(v -> fallback.add(-v));
            resultFuture.complete(fallback);
        }

        private void sampleGauges() {
            Map<String, Metric> current = gauges;
            if (current == null) {
                return;
            }
            MAX_IN_FLIGHT_BATCHES_SEEN.accumulateAndGet(
                    read(current, "inFlightBatches"), Math::max);
            MAX_IN_FLIGHT_RECORDS_SEEN.accumulateAndGet(
                    read(current, "inFlightRecords"), Math::max);
            MAX_BUFFERED_SEEN.accumulateAndGet(read(current, "bufferedRecords"), Math::max);
        }

        private static int read(Map<String, Metric> metrics, String name) {
            Metric metric = metrics.get(name);
            return metric == null ? -1 : ((Number) ((Gauge<?>) metric).getValue()).intValue();
        }
    }

    /** Answers each batch with its inputs at once. */
    static class Echo extends RichAsyncBatchFunction<Long, Long> {
        @Override
        public void asyncInvokeBatch(List<Long> inputs, ResultFuture<Long> resultFuture) {
            resultFuture.complete(new ArrayList<>(inputs));
        }
    }

    /** Every attempt fails. */
    static class AlwaysFailing extends RichAsyncBatchFunction<Long, Long> {
        @Override
        public void asyncInvokeBatch(List<Long> inputs, ResultFuture<Long> resultFuture) {
            ATTEMPTS_BY_BATCH
                    .computeIfAbsent(inputs.get(0), k -> new AtomicInteger())
                    .incrementAndGet();
            ItSupport.SERVICE.execute(
                    () -> resultFuture.completeExceptionally(new IOException("service down")));
        }
    }
}
