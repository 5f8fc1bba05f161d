package io.flinkinference.sidecar.client;

import io.flinkinference.sidecar.client.codec.TensorCodec;
import io.flinkinference.sidecar.client.stream.ClientMetrics;
import io.flinkinference.sidecar.client.stream.InferConnection;
import io.flinkinference.sidecar.client.testutil.TestSidecar;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.flink.streaming.api.functions.async.CollectionSupplier;
import org.apache.flink.streaming.api.functions.async.ResultFuture;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** One subtask's connection against a real sidecar, without Flink's runtime around it. */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class InferConnectionTest {

    /** A {@link ResultFuture} backed by a {@link CompletableFuture}. */
    static final class Result implements ResultFuture<String> {
        final CompletableFuture<List<String>> future = new CompletableFuture<>();

        @Override
        public void complete(Collection<String> result) {
            future.complete(new ArrayList<>(result));
        }

        @Override
        public void completeExceptionally(Throwable error) {
            future.completeExceptionally(error);
        }

        @Override
        public void complete(CollectionSupplier<String> supplier) {
            try {
                complete(supplier.get());
            } catch (Exception e) {
                completeExceptionally(e);
            }
        }
    }

    private static Result submit(InferConnection connection, List<String> inputs) {
        Result result = new Result();
        List<byte[]> payloads = new ArrayList<>();
        inputs.forEach(s -> payloads.add(s.getBytes(StandardCharsets.UTF_8)));
        connection.submit(new BatchCall<>(inputs, TensorCodec.utf8(), result), payloads);
        return result;
    }

    private static List<String> items(String prefix, int n) {
        List<String> items = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            items.add(prefix + i);
        }
        return items;
    }

    private static InferConnection connect(SidecarBatchFunction.Builder<String, String> builder) {
        return new InferConnection(
                builder.build().getConfig(),
                new ClientMetrics(new UnregisteredMetricsGroup()),
                "test");
    }

    @Test
    void requestsInFlightStayWithinTheConfiguredLimit() throws Exception {
        Configuration slow = new Configuration();
        slow.setString("sidecar.mock.latency.fixed", "20 ms");
        try (TestSidecar sidecar = TestSidecar.start(0, slow)) {
            InferConnection connection =
                    connect(
                            SidecarBatchFunction.builder(TensorCodec.utf8())
                                    .endpoint(sidecar.endpoint())
                                    .maxInFlightRequests(4));
            try {
                List<Result> results = new ArrayList<>();
                for (int b = 0; b < 3; b++) {
                    results.add(submit(connection, items("b" + b + "-", 20)));
                }
                long maxSeen = 0;
                while (!results.stream().allMatch(r -> r.future.isDone())) {
                    maxSeen = Math.max(maxSeen, sidecar.inFlightRequests());
                    Thread.onSpinWait(); // sampling a gauge nothing can signal
                }
                assertThat(maxSeen).isBetween(1L, 4L);
                for (int b = 0; b < 3; b++) {
                    assertThat(results.get(b).future.get()).isEqualTo(items("b" + b + "-", 20));
                }
                assertThat(connection.ownedItems()).isZero();
            } finally {
                connection.close();
            }
        }
    }

    @Test
    void aBatchBeyondTheClientsBoundFailsAtOnce() throws Exception {
        Configuration slow = new Configuration();
        slow.setString("sidecar.mock.latency.fixed", "50 ms");
        try (TestSidecar sidecar = TestSidecar.start(0, slow)) {
            InferConnection connection =
                    connect(
                            SidecarBatchFunction.builder(TensorCodec.utf8())
                                    .endpoint(sidecar.endpoint())
                                    .maxInFlightRequests(4)
                                    .maxQueuedRequests(4));
            try {
                Result first = submit(connection, items("a", 6));
                Result second = submit(connection, items("b", 6));
                assertThatThrownBy(() -> second.future.get(10, TimeUnit.SECONDS))
                        .isInstanceOf(ExecutionException.class)
                        .hasCauseInstanceOf(SidecarClientException.class)
                        .hasMessageContaining("would exceed its bound of 8");
                assertThat(first.future.get(30, TimeUnit.SECONDS)).isEqualTo(items("a", 6));
            } finally {
                connection.close();
            }
        }
    }

    @Test
    void aSaturatedSidecarFailsTheBatchOnceTheRetryBudgetIsSpent() throws Exception {
        Configuration tiny = new Configuration();
        tiny.setString("sidecar.queue.max-length", "1");
        tiny.setString("sidecar.batch.max-size", "1");
        tiny.setString("sidecar.backend.workers", "1");
        tiny.setString("sidecar.mock.latency.fixed", "2 s");
        try (TestSidecar sidecar = TestSidecar.start(0, tiny)) {
            InferConnection connection =
                    connect(
                            SidecarBatchFunction.builder(TensorCodec.utf8())
                                    .endpoint(sidecar.endpoint())
                                    .retryBudget(Duration.ofMillis(300)));
            try {
                Result result = submit(connection, items("x", 10));
                assertThatThrownBy(() -> result.future.get(30, TimeUnit.SECONDS))
                        .isInstanceOf(ExecutionException.class)
                        .cause()
                        .isInstanceOf(SidecarSaturatedException.class)
                        .hasMessageContaining(
                                "The sidecar at " + sidecar.endpoint() + " is saturated")
                        .hasMessageContaining("answered RESOURCE_EXHAUSTED")
                        .hasMessageMatching(
                                "(?s).*retried for \\d+ ms \\(retry budget .* = 300 ms\\).*");
                assertThat(sidecar.requestsRejected()).isPositive();
            } finally {
                connection.close();
            }
        }
    }

    @Test
    void theRequestTimeoutReachesTheSidecarAndAnExpiredItemFailsItsBatch() throws Exception {
        Configuration oneAtATime = new Configuration();
        oneAtATime.setString("sidecar.batch.max-size", "1");
        oneAtATime.setString("sidecar.backend.workers", "1");
        oneAtATime.setString("sidecar.mock.latency.fixed", "500 ms");
        try (TestSidecar sidecar = TestSidecar.start(0, oneAtATime)) {
            InferConnection connection =
                    connect(
                            SidecarBatchFunction.builder(TensorCodec.utf8())
                                    .endpoint(sidecar.endpoint())
                                    .requestTimeout(Duration.ofMillis(100)));
            try {
                Result result = submit(connection, items("t", 4));
                assertThatThrownBy(() -> result.future.get(30, TimeUnit.SECONDS))
                        .isInstanceOf(ExecutionException.class)
                        .cause()
                        .isInstanceOf(SidecarItemException.class)
                        .hasMessageMatching(
                                "The sidecar failed item [1-3] of a batch of 4 with"
                                        + " DEADLINE_EXCEEDED: .+");
            } finally {
                connection.close();
            }
        }
    }
}
