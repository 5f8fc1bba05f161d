package io.flinkinference.sidecar.batching;

import io.flinkinference.sidecar.api.v1.InferResponse;
import io.flinkinference.sidecar.metrics.HdrHistogramMetric;
import io.flinkinference.sidecar.testing.Eventually;
import io.flinkinference.sidecar.testing.GatedBackend;
import io.flinkinference.sidecar.testing.GatedBackendExtension;
import io.flinkinference.sidecar.testing.TestSidecar;
import io.flinkinference.sidecar.testing.TestStream;

import com.google.rpc.Code;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.flinkinference.sidecar.testing.TestSidecar.code;
import static org.assertj.core.api.Assertions.assertThat;

/** Batches form by size and by window; one backend call per batch; FAIL items fail alone. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
@ExtendWith(GatedBackendExtension.class)
class DynamicBatcherTest {

    @Test
    void formsFullBatchesBySizeWithoutWaitingForTheWindow() throws Exception {
        try (TestSidecar sidecar =
                        TestSidecar.start(
                                "sidecar.backend", "gated",
                                "sidecar.backend.workers", "1",
                                "sidecar.batch.max-size", "4",
                                "sidecar.batch.timeout", "1 h");
                TestStream stream = sidecar.stream()) {
            GatedBackend.openGate();
            for (int i = 0; i < 8; i++) {
                stream.send(i, "p" + i);
            }
            // With a one-hour window, answers can only come from two full batches.
            assertThat(stream.next(8).values())
                    .allSatisfy(r -> assertThat(code(r)).isEqualTo(Code.OK));
            assertThat(GatedBackend.calls)
                    .containsExactly(
                            List.of("p0", "p1", "p2", "p3"), List.of("p4", "p5", "p6", "p7"));
            HdrHistogramMetric sizes = sidecar.metrics().batchSize();
            assertThat(sizes.getCount()).isEqualTo(2);
            assertThat(sizes.getStatistics().getMin()).isEqualTo(4);
            assertThat(sizes.getStatistics().getMax()).isEqualTo(4);
            assertThat(sidecar.metrics().batchesExecuted()).isEqualTo(2);
        }
    }

    @Test
    void sendsAPartialBatchWhenTheWindowCloses() throws Exception {
        try (TestSidecar sidecar =
                        TestSidecar.start(
                                "sidecar.backend", "gated",
                                "sidecar.backend.workers", "1",
                                "sidecar.batch.max-size", "100",
                                "sidecar.batch.timeout", "300 ms");
                TestStream stream = sidecar.stream()) {
            GatedBackend.openGate();
            long start = System.nanoTime();
            stream.send(1, "a").send(2, "b").send(3, "c");
            Map<Long, InferResponse> answers = stream.next(3);
            long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

            assertThat(answers.values()).allSatisfy(r -> assertThat(code(r)).isEqualTo(Code.OK));
            assertThat(tookMs).isGreaterThanOrEqualTo(250);
            assertThat(GatedBackend.calls).containsExactly(List.of("a", "b", "c"));
            assertThat(sidecar.metrics().batchSize().getCount()).isEqualTo(1);
            assertThat(sidecar.metrics().batchSize().getStatistics().getQuantile(0.5))
                    .isEqualTo(3.0);
        }
    }

    @Test
    void failItemsFailAloneInTheirBatch() throws Exception {
        try (TestSidecar sidecar =
                        TestSidecar.start(
                                "sidecar.backend.workers", "1",
                                "sidecar.batch.max-size", "4",
                                "sidecar.batch.timeout", "1 h");
                TestStream stream = sidecar.stream()) {
            stream.send(1, "ok-1").send(2, "FAIL-2").send(3, "ok-3").send(4, "FAILURE-4");
            Map<Long, InferResponse> answers = stream.next(4);

            assertThat(code(answers.get(1L))).isEqualTo(Code.OK);
            assertThat(answers.get(3L).getPayload().toString(StandardCharsets.UTF_8))
                    .isEqualTo("ok-3");
            assertThat(code(answers.get(2L))).isEqualTo(Code.INTERNAL);
            assertThat(code(answers.get(4L))).isEqualTo(Code.INTERNAL);
            assertThat(answers.get(2L).getError().getMessage()).contains("FAIL");
            assertThat(sidecar.metrics().batchesExecuted()).isEqualTo(1);
            assertThat(sidecar.metrics().requestsFailed()).isEqualTo(2);
            assertThat(sidecar.metrics().requestsSucceeded()).isEqualTo(2);
        }
    }

    @Test
    void workersRunBatchesConcurrently() throws Exception {
        try (TestSidecar sidecar =
                        TestSidecar.start(
                                "sidecar.backend", "gated",
                                "sidecar.backend.workers", "2",
                                "sidecar.batch.max-size", "1");
                TestStream stream = sidecar.stream()) {
            stream.send(1, "a").send(2, "b").send(3, "c");
            GatedBackend.awaitEntered(2); // two calls in the backend at once, neither released
            assertThat(GatedBackend.calls).hasSize(2);
            Eventually.await("the third request queued", () -> sidecar.metrics().queueDepth() == 1);
            assertThat(GatedBackend.calls).hasSize(2); // still: the third waits for a worker
            GatedBackend.openGate();
            assertThat(stream.next(3)).hasSize(3);
            assertThat(GatedBackend.calls).hasSize(3);
        }
    }
}
