package io.flinkinference.sidecar.rpc;

import io.flinkinference.sidecar.api.v1.InferResponse;
import io.flinkinference.sidecar.testing.GatedBackend;
import io.flinkinference.sidecar.testing.GatedBackendExtension;
import io.flinkinference.sidecar.testing.TestSidecar;
import io.flinkinference.sidecar.testing.TestStream;

import com.google.protobuf.Any;
import com.google.rpc.Code;
import com.google.rpc.RetryInfo;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.flinkinference.sidecar.testing.TestSidecar.code;
import static org.assertj.core.api.Assertions.assertThat;

/** A slow backend and a small queue, flooded: overflow is answered RESOURCE_EXHAUSTED at once. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
@ExtendWith(GatedBackendExtension.class)
class SaturationTest {

    private static final int QUEUE = 4;
    private static final int FLOOD = 200;

    @Test
    void overflowIsRejectedPromptlyWithRetryInfoAndEveryIdGetsOneAnswer() throws Exception {
        try (TestSidecar sidecar =
                        TestSidecar.start(
                                "sidecar.backend", "gated",
                                "sidecar.backend.workers", "1",
                                "sidecar.batch.max-size", "1",
                                "sidecar.queue.max-length", String.valueOf(QUEUE),
                                "sidecar.queue.max-wait", "1 min");
                TestStream stream = sidecar.stream()) {
            stream.send(0, "running");
            GatedBackend.awaitEntered(1); // the backend is busy from now on
            for (int i = 1; i <= QUEUE + FLOOD; i++) {
                stream.send(i, "item-" + i);
            }

            // Every overflow answer arrives while the backend is still blocked: nothing hangs.
            Map<Long, InferResponse> rejected = stream.next(FLOOD);
            assertThat(rejected.values())
                    .allSatisfy(
                            r -> {
                                assertThat(code(r)).isEqualTo(Code.RESOURCE_EXHAUSTED);
                                assertThat(r.getError().getMessage())
                                        .contains("sidecar.queue.max-length");
                                assertThat(r.getError().getDetailsList()).hasSize(1);
                                Any detail = r.getError().getDetails(0);
                                assertThat(detail.is(RetryInfo.class)).isTrue();
                                RetryInfo retry = detail.unpack(RetryInfo.class);
                                long retryNanos =
                                        retry.getRetryDelay().getSeconds() * 1_000_000_000L
                                                + retry.getRetryDelay().getNanos();
                                assertThat(retryNanos)
                                        .isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(1));
                            });
            // The first QUEUE after the running one fitted; the rest overflowed.
            assertThat(rejected.keySet()).allSatisfy(id -> assertThat(id).isGreaterThan(QUEUE));
            assertThat(sidecar.metrics().queueDepth()).isEqualTo(QUEUE);
            assertThat(sidecar.metrics().requestsRejected()).isEqualTo(FLOOD);

            GatedBackend.openGate();
            Map<Long, InferResponse> served = stream.next(QUEUE + 1);
            assertThat(served.keySet()).doesNotContainAnyElementsOf(rejected.keySet());
            assertThat(served.values()).allSatisfy(r -> assertThat(code(r)).isEqualTo(Code.OK));
            assertThat(stream.pending()).isEmpty();

            // Healthy afterwards: serving, and new requests go through.
            assertThat(
                            HealthGrpc.newBlockingStub(sidecar.channel)
                                    .check(HealthCheckRequest.getDefaultInstance())
                                    .getStatus())
                    .isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
            stream.send(10_000, "after");
            assertThat(code(stream.next(Duration.ofSeconds(10)))).isEqualTo(Code.OK);
            assertThat(sidecar.metrics().inFlightRequests()).isZero();
            assertThat(sidecar.metrics().requestsReceived()).isEqualTo(1 + QUEUE + FLOOD + 1);
        }
    }

    @Test
    void streamInFlightLimitRejectsBeyondIt() throws Exception {
        try (TestSidecar sidecar =
                        TestSidecar.start(
                                "sidecar.backend", "gated",
                                "sidecar.backend.workers", "1",
                                "sidecar.batch.max-size", "1",
                                "sidecar.rpc.stream.max-in-flight", "3",
                                "sidecar.queue.max-wait", "1 min");
                TestStream stream = sidecar.stream();
                TestStream other = sidecar.stream()) {
            stream.send(1, "a");
            GatedBackend.awaitEntered(1);
            stream.send(2, "b").send(3, "c").send(4, "d");
            InferResponse over = stream.next();
            assertThat(over.getRequestId()).isEqualTo(4);
            assertThat(code(over)).isEqualTo(Code.RESOURCE_EXHAUSTED);
            assertThat(over.getError().getMessage()).contains("sidecar.rpc.stream.max-in-flight");
            assertThat(over.getError().getDetails(0).is(RetryInfo.class)).isTrue();

            // The limit is per stream: another stream still gets in.
            other.send(1, "other");
            GatedBackend.openGate();
            assertThat(code(other.next())).isEqualTo(Code.OK);
            assertThat(stream.next(3).values())
                    .allSatisfy(r -> assertThat(code(r)).isEqualTo(Code.OK));
        }
    }
}
