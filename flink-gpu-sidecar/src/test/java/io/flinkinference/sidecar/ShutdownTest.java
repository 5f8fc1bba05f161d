package io.flinkinference.sidecar;

import io.flinkinference.sidecar.api.v1.InferResponse;
import io.flinkinference.sidecar.testing.Eventually;
import io.flinkinference.sidecar.testing.GatedBackend;
import io.flinkinference.sidecar.testing.GatedBackendExtension;
import io.flinkinference.sidecar.testing.TestSidecar;
import io.flinkinference.sidecar.testing.TestStream;

import com.google.rpc.Code;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static io.flinkinference.sidecar.testing.TestSidecar.code;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * close() (and so SIGTERM): stop accepting, drain within the grace period, the rest UNAVAILABLE.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
@ExtendWith(GatedBackendExtension.class)
class ShutdownTest {

    @Test
    void queuedWorkFinishesWithinTheGracePeriodAndNewRequestsAreUnavailable() throws Exception {
        TestSidecar sidecar =
                TestSidecar.start(
                        "sidecar.backend", "gated",
                        "sidecar.backend.workers", "1",
                        "sidecar.batch.max-size", "1",
                        "sidecar.shutdown.grace-period", "20 s");
        try (TestStream stream = sidecar.stream()) {
            stream.send(1, "running");
            GatedBackend.awaitEntered(1);
            stream.send(2, "q2").send(3, "q3").send(4, "q4");
            Eventually.await("3 queued", () -> sidecar.metrics().queueDepth() == 3);

            BlockingQueue<ServingStatus> health = watchHealth(sidecar);
            assertThat(health.poll(10, TimeUnit.SECONDS)).isEqualTo(ServingStatus.SERVING);

            CompletableFuture<Void> closing = CompletableFuture.runAsync(sidecar.server::close);
            assertThat(health.poll(10, TimeUnit.SECONDS)).isEqualTo(ServingStatus.NOT_SERVING);
            // Requests arriving while stopping are answered UNAVAILABLE on the same stream.
            stream.send(100, "late");
            InferResponse refused = stream.next();
            assertThat(refused.getRequestId()).isEqualTo(100);
            assertThat(code(refused)).isEqualTo(Code.UNAVAILABLE);
            assertThat(closing).isNotDone();

            GatedBackend.openGate();
            Map<Long, InferResponse> drained = stream.next(4);
            assertThat(drained.values()).allSatisfy(r -> assertThat(code(r)).isEqualTo(Code.OK));
            closing.get(10, TimeUnit.SECONDS);
            assertThat(stream.closed().get(10, TimeUnit.SECONDS).isOk()).isTrue();
            assertThat(sidecar.metrics().requestsSucceeded()).isEqualTo(4);
            assertThat(sidecar.metrics().inFlightRequests()).isZero();
        } finally {
            sidecar.close();
        }
    }

    /** Watches the server's overall health on a call opened before the shutdown. */
    private static BlockingQueue<ServingStatus> watchHealth(TestSidecar sidecar) {
        BlockingQueue<ServingStatus> statuses = new LinkedBlockingQueue<>();
        HealthGrpc.newStub(sidecar.channel)
                .watch(
                        HealthCheckRequest.getDefaultInstance(),
                        new StreamObserver<>() {
                            @Override
                            public void onNext(HealthCheckResponse value) {
                                statuses.add(value.getStatus());
                            }

                            @Override
                            public void onError(Throwable t) {}

                            @Override
                            public void onCompleted() {}
                        });
        return statuses;
    }

    @Test
    void whatIsLeftAfterTheGracePeriodIsAnsweredUnavailable() throws Exception {
        TestSidecar sidecar =
                TestSidecar.start(
                        "sidecar.backend", "gated",
                        "sidecar.backend.workers", "1",
                        "sidecar.batch.max-size", "1",
                        "sidecar.shutdown.grace-period", "300 ms");
        try (TestStream stream = sidecar.stream()) {
            stream.send(1, "stuck");
            GatedBackend.awaitEntered(1);
            stream.send(2, "q2").send(3, "q3");
            Eventually.await("2 queued", () -> sidecar.metrics().queueDepth() == 2);

            long start = System.nanoTime();
            sidecar.server.close(); // the backend never returns
            long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

            Map<Long, InferResponse> answers = stream.next(3);
            assertThat(answers.values())
                    .allSatisfy(r -> assertThat(code(r)).isEqualTo(Code.UNAVAILABLE));
            assertThat(tookMs).isLessThan(5_000);
            assertThat(GatedBackend.calls).hasSize(1); // the queued ones never ran
            assertThat(sidecar.metrics().requestsRejected()).isEqualTo(3);
            assertThat(sidecar.metrics().inFlightRequests()).isZero();
        } finally {
            sidecar.close();
        }
    }
}
