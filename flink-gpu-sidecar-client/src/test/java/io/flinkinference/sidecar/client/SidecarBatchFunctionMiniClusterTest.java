package io.flinkinference.sidecar.client;

import io.flinkinference.asyncbatch.AsyncBatchDataStream;
import io.flinkinference.asyncbatch.AsyncBatchOptions;
import io.flinkinference.sidecar.client.channel.SharedChannels;
import io.flinkinference.sidecar.client.codec.TensorCodec;
import io.flinkinference.sidecar.client.testutil.CapturingReporter;
import io.flinkinference.sidecar.client.testutil.TestSidecar;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.AsyncDataStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.apache.flink.util.ExceptionUtils;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The client against a real sidecar on loopback, inside a real Flink MiniCluster (2 TaskManagers
 * with 2 slots each).
 */
class SidecarBatchFunctionMiniClusterTest {

    private static final int SLOTS = 4;

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(2)
                            .setNumberSlotsPerTaskManager(SLOTS / 2)
                            .setConfiguration(CapturingReporter.addTo(new Configuration()))
                            .build());

    /** Decodes to "input=output", so a mix-up of items within a batch shows in the result. */
    static final class JoinCodec implements TensorCodec<String, String> {
        private static final long serialVersionUID = 1L;

        @Override
        public byte[] encode(String input) {
            return TensorCodec.utf8().encode(input);
        }

        @Override
        public String decode(String input, byte[] output) {
            return input + "=" + TensorCodec.utf8().decode(input, output);
        }
    }

    private static DataStream<String> records(
            StreamExecutionEnvironment env, long count, double perSecond) {
        return records(env, count, perSecond, i -> "record-" + i);
    }

    private static DataStream<String> records(
            StreamExecutionEnvironment env,
            long count,
            double perSecond,
            GeneratorFunction<Long, String> generator) {
        RateLimiterStrategy<?> rate =
                perSecond > 0
                        ? RateLimiterStrategy.perSecond(perSecond)
                        : RateLimiterStrategy.noOp();
        // rebalance: a parallel DataGeneratorSource may hand all its splits to one reader
        return env.fromSource(
                        new DataGeneratorSource<>(generator, count, rate, Types.STRING),
                        WatermarkStrategy.noWatermarks(),
                        "records")
                .rebalance();
    }

    private static SidecarBatchFunction.Builder<String, String> client(TestSidecar sidecar) {
        return SidecarBatchFunction.builder((TensorCodec<String, String>) new JoinCodec())
                .endpoint(sidecar.endpoint());
    }

    private static List<String> collect(DataStream<String> results, String jobName)
            throws Exception {
        List<String> out = new ArrayList<>();
        try (CloseableIterator<String> it = results.executeAndCollect(jobName)) {
            it.forEachRemaining(out::add);
        }
        return out;
    }

    private static void assertEveryRecordExactlyOnce(List<String> results, long count) {
        assertThat(results).hasSize((int) count);
        Set<String> expected = new HashSet<>();
        for (long i = 0; i < count; i++) {
            expected.add("record-" + i + "=record-" + i);
        }
        assertThat(new HashSet<>(results)).isEqualTo(expected);
    }

    @Test
    @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void endToEndEveryRecordCorrectAndCountsAgree() throws Exception {
        long count = 20_000;
        try (TestSidecar sidecar = TestSidecar.start(0, new Configuration())) {
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            env.setParallelism(SLOTS);
            DataStream<String> results =
                    AsyncBatchDataStream.unorderedWait(
                            records(env, count, 0),
                            client(sidecar).build(),
                            AsyncBatchOptions.builder()
                                    .maxBatchSize(32)
                                    .maxInFlightBatches(4)
                                    .build());

            List<String> out = collect(results, "e2e");

            assertEveryRecordExactlyOnce(out, count);
            assertThat(CapturingReporter.sum("e2e", "requestsSent"))
                    .isEqualTo(sidecar.requestsReceived())
                    .isEqualTo(count);
            assertThat(CapturingReporter.sum("e2e", "responsesOk"))
                    .isEqualTo(sidecar.requestsSucceeded())
                    .isEqualTo(count);
            assertThat(CapturingReporter.sum("e2e", "resends")).isZero();
            assertThat(CapturingReporter.sum("e2e", "reconnects")).isZero();
            assertThat(CapturingReporter.perSubtask("e2e", "requestsSent"))
                    .as("every subtask sent requests on its own stream")
                    .hasSize(SLOTS)
                    .allSatisfy((subtask, sent) -> assertThat(sent).isPositive());
            // 4 subtasks shared one channel, closed with the last of them
            assertThat(SharedChannels.references(sidecar.endpoint())).isZero();
        }
    }

    @Test
    @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void resultsFollowTheInputOrderWhateverOrderTheSidecarAnswersIn() throws Exception {
        long count = 2_000;
        // Small sidecar batches on several workers: answers come back out of request order.
        Configuration reordering = new Configuration();
        reordering.setString("sidecar.batch.max-size", "4");
        reordering.setString("sidecar.backend.workers", "4");
        try (TestSidecar sidecar = TestSidecar.start(0, reordering)) {
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            env.setParallelism(1);
            DataStream<String> results =
                    AsyncBatchDataStream.orderedWait(
                            records(env, count, 0),
                            client(sidecar).build(),
                            AsyncBatchOptions.builder()
                                    .maxBatchSize(16)
                                    .maxInFlightBatches(8)
                                    .build());

            List<String> out = collect(results, "ordered");

            List<String> expected = new ArrayList<>();
            for (long i = 0; i < count; i++) {
                expected.add("record-" + i + "=record-" + i);
            }
            assertThat(out).containsExactlyElementsOf(expected);
        }
    }

    @Test
    @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void saturatedSidecarRejectsAndTheClientResendsUntilEveryRecordIsDone() throws Exception {
        long count = 5_000;
        Configuration tinyQueue = new Configuration();
        tinyQueue.setString("sidecar.queue.max-length", "8");
        tinyQueue.setString("sidecar.batch.max-size", "8");
        tinyQueue.setString("sidecar.backend.workers", "1");
        tinyQueue.setString("sidecar.mock.latency.fixed", "1 ms");
        try (TestSidecar sidecar = TestSidecar.start(0, tinyQueue)) {
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            env.setParallelism(2);
            DataStream<String> results =
                    AsyncBatchDataStream.unorderedWait(
                            records(env, count, 0),
                            client(sidecar).retryBudget(Duration.ofSeconds(60)).build(),
                            AsyncBatchOptions.builder()
                                    .maxBatchSize(32)
                                    .maxInFlightBatches(16)
                                    .build());

            List<String> out = collect(results, "saturation");

            assertEveryRecordExactlyOnce(out, count);
            long rejected = sidecar.requestsRejected();
            assertThat(rejected).isPositive();
            assertThat(CapturingReporter.sum("saturation", "responsesError_RESOURCE_EXHAUSTED"))
                    .isEqualTo(rejected);
            assertThat(CapturingReporter.sum("saturation", "resends")).isEqualTo(rejected);
            assertThat(CapturingReporter.sum("saturation", "requestsSent"))
                    .isEqualTo(sidecar.requestsReceived())
                    .isEqualTo(count + rejected);
            assertThat(CapturingReporter.sum("saturation", "responsesOk")).isEqualTo(count);
        }
    }

    @Test
    @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void sidecarRestartMidJobEveryRecordExactlyOnce() throws Exception {
        long count = 3_000;
        int port = freePort();
        TestSidecar first = TestSidecar.start(port, new Configuration());
        TestSidecar second = null;
        try {
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            env.setParallelism(2);
            DataStream<String> results =
                    AsyncBatchDataStream.unorderedWait(
                            records(env, count, 1_500),
                            client(first)
                                    .reconnectBackoff(Duration.ofMillis(20), Duration.ofMillis(200))
                                    .reconnectBudget(Duration.ofSeconds(30))
                                    .build(),
                            AsyncBatchOptions.builder()
                                    .maxBatchSize(16)
                                    .maxInFlightBatches(4)
                                    .build());
            CompletableFuture<List<String>> out =
                    CompletableFuture.supplyAsync(
                            () -> {
                                try {
                                    return collect(results, "restart");
                                } catch (Exception e) {
                                    throw new RuntimeException(e);
                                }
                            });

            waitUntil(() -> first.requestsSucceeded() >= count / 4, Duration.ofSeconds(60));
            first.close();
            assertThat(out).isNotDone();
            second = TestSidecar.start(port, new Configuration());

            List<String> collected = out.get(90, TimeUnit.SECONDS);
            assertEveryRecordExactlyOnce(collected, count);
            assertThat(CapturingReporter.sum("restart", "reconnects")).isPositive();
            assertThat(second.requestsSucceeded()).isPositive();
            assertThat(first.requestsSucceeded() + second.requestsSucceeded())
                    .isGreaterThanOrEqualTo(count);
        } finally {
            first.close();
            if (second != null) {
                second.close();
            }
        }
    }

    @Test
    @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void sidecarDownLongerThanTheBudgetFailsTheJobWithAClearMessage() throws Exception {
        TestSidecar sidecar = TestSidecar.start(0, new Configuration());
        try {
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            env.setParallelism(2);
            Configuration noRestart = new Configuration();
            noRestart.setString("restart-strategy.type", "none");
            env.configure(noRestart);
            AsyncBatchDataStream.unorderedWait(
                            records(env, 1_000_000, 400),
                            client(sidecar)
                                    .reconnectBackoff(Duration.ofMillis(20), Duration.ofMillis(100))
                                    .reconnectBudget(Duration.ofSeconds(1))
                                    .build(),
                            AsyncBatchOptions.builder().maxBatchSize(16).build())
                    .sinkTo(new DiscardingSink<>());
            JobClient job = env.executeAsync("down");
            waitUntil(() -> sidecar.requestsSucceeded() >= 100, Duration.ofSeconds(60));
            sidecar.close();

            Throwable error = null;
            try {
                job.getJobExecutionResult().get(60, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException e) {
                error = e;
            }
            assertThat(error).as("the job must fail, not hang").isNotNull();
            // Exceptions cross the cluster as SerializedThrowable: match the message.
            Optional<Throwable> down =
                    ExceptionUtils.findThrowableWithMessage(error, "was unreachable for");
            assertThat(down).as(ExceptionUtils.stringifyException(error)).isPresent();
            assertThat(down.get().getMessage())
                    .contains(SidecarUnavailableException.class.getSimpleName())
                    .contains("The sidecar at " + sidecar.endpoint() + " was unreachable for")
                    .contains("sidecar.client.reconnect.max-duration = 1000 ms");
        } finally {
            sidecar.close();
        }
    }

    /** Counts its opens, so a test can see the job restart. */
    static final class CountingFunction extends SidecarBatchFunction<String, String> {
        private static final long serialVersionUID = 1L;
        static final AtomicInteger OPENS = new AtomicInteger();

        CountingFunction(SidecarBatchFunction<String, String> template) {
            super(template);
        }

        @Override
        public void open(OpenContext openContext) throws Exception {
            OPENS.incrementAndGet();
            super.open(openContext);
        }
    }

    @Test
    @Timeout(value = 150, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void jobRestartsFromItsCheckpointWhenTheSidecarIsBack() throws Exception {
        long count = 2_000;
        int port = freePort();
        CountingFunction.OPENS.set(0);
        TestSidecar first = TestSidecar.start(port, new Configuration());
        TestSidecar second = null;
        try {
            Configuration restart = new Configuration();
            restart.setString("restart-strategy.type", "fixed-delay");
            restart.setString("restart-strategy.fixed-delay.attempts", "1000");
            restart.setString("restart-strategy.fixed-delay.delay", "100 ms");
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            env.configure(restart);
            env.setParallelism(2);
            env.enableCheckpointing(200);
            DataStream<String> results =
                    AsyncBatchDataStream.unorderedWait(
                            records(env, count, 400),
                            new CountingFunction(
                                    client(first)
                                            .reconnectBackoff(
                                                    Duration.ofMillis(20), Duration.ofMillis(100))
                                            .reconnectBudget(Duration.ofMillis(500))
                                            .build()),
                            AsyncBatchOptions.builder().maxBatchSize(16).build());
            CompletableFuture<List<String>> out =
                    CompletableFuture.supplyAsync(
                            () -> {
                                try {
                                    return collect(results, "down-then-back");
                                } catch (Exception e) {
                                    throw new RuntimeException(e);
                                }
                            });

            waitUntil(() -> first.requestsSucceeded() >= 300, Duration.ofSeconds(60));
            first.close();
            // The job fails (budget 500 ms) and restarts; wait for a restarted attempt.
            waitUntil(() -> CountingFunction.OPENS.get() > 2, Duration.ofSeconds(60));
            second = TestSidecar.start(port, new Configuration());

            List<String> collected = out.get(120, TimeUnit.SECONDS);
            assertEveryRecordExactlyOnce(collected, count);
        } finally {
            first.close();
            if (second != null) {
                second.close();
            }
        }
    }

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aFailingItemFailsTheJobNamingTheItem() throws Exception {
        try (TestSidecar sidecar = TestSidecar.start(0, new Configuration())) {
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            env.setParallelism(2);
            Configuration noRestart = new Configuration();
            noRestart.setString("restart-strategy.type", "none");
            env.configure(noRestart);
            AsyncBatchDataStream.unorderedWait(
                            records(env, 1_000, 0, i -> i == 417 ? "FAIL-" + i : "record-" + i),
                            client(sidecar).build(),
                            AsyncBatchOptions.builder().maxBatchSize(32).build())
                    .sinkTo(new DiscardingSink<>());

            Throwable error = null;
            try {
                env.execute("fail-item");
            } catch (Exception e) {
                error = e;
            }
            assertThat(error).as("the job must fail").isNotNull();
            Optional<Throwable> item =
                    ExceptionUtils.findThrowableWithMessage(error, "The sidecar failed item");
            assertThat(item).as(ExceptionUtils.stringifyException(error)).isPresent();
            assertThat(item.get().getMessage())
                    .contains(SidecarItemException.class.getSimpleName())
                    .containsPattern(
                            "The sidecar failed item \\d+ of a batch of \\d+ with INTERNAL: .+");
            assertThat(sidecar.requestsFailed()).isEqualTo(1);
        }
    }

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void anItemOverTheRequestSizeLimitFailsItsBatchWithoutBeingSent() throws Exception {
        try (TestSidecar sidecar = TestSidecar.start(0, new Configuration())) {
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            env.setParallelism(1);
            Configuration noRestart = new Configuration();
            noRestart.setString("restart-strategy.type", "none");
            env.configure(noRestart);
            String oversized = "x".repeat(2048);
            AsyncBatchDataStream.unorderedWait(
                            records(env, 100, 0, i -> i == 50 ? oversized : "record-" + i),
                            client(sidecar)
                                    .maxRequestSize(
                                            org.apache.flink.configuration.MemorySize.parse("1kb"))
                                    .build(),
                            AsyncBatchOptions.builder().maxBatchSize(1).build())
                    .sinkTo(new DiscardingSink<>());

            Throwable error = null;
            try {
                env.execute("oversized-item");
            } catch (Exception e) {
                error = e;
            }
            assertThat(error).as("the job must fail").isNotNull();
            Optional<Throwable> item =
                    ExceptionUtils.findThrowableWithMessage(error, "max-request-size");
            assertThat(item).as(ExceptionUtils.stringifyException(error)).isPresent();
            assertThat(item.get().getMessage())
                    .containsPattern("Item 0 of a batch of 1 encodes to a request of \\d+ bytes");
            // The item never reached the sidecar, so nothing broke its stream.
            assertThat(sidecar.requestsReceived()).isLessThanOrEqualTo(50);
        }
    }

    @Test
    @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void perRecordBaselineWithFlinksAsyncDataStream() throws Exception {
        long count = 2_000;
        try (TestSidecar sidecar = TestSidecar.start(0, new Configuration())) {
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            env.setParallelism(2);
            DataStream<String> results =
                    AsyncDataStream.unorderedWait(
                            records(env, count, 0),
                            SidecarAsyncFunction.of(client(sidecar).build()),
                            30,
                            TimeUnit.SECONDS,
                            64);

            List<String> out = collect(results, "baseline");

            assertEveryRecordExactlyOnce(out, count);
            assertThat(CapturingReporter.sum("baseline", "requestsSent"))
                    .isEqualTo(sidecar.requestsReceived())
                    .isEqualTo(count);
        }
    }

    // ------------------------------------------------------------------ helpers

    static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }

    static void waitUntil(BooleanSupplier condition, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not reached within " + timeout);
            }
            Thread.onSpinWait();
            TimeUnit.MILLISECONDS.sleep(10); // polling a counter nothing can signal
        }
    }
}
