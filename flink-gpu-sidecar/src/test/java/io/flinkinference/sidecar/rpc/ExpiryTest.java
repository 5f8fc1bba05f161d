package io.flinkinference.sidecar.rpc;

import io.flinkinference.sidecar.api.v1.InferResponse;
import io.flinkinference.sidecar.testing.GatedBackend;
import io.flinkinference.sidecar.testing.GatedBackendExtension;
import io.flinkinference.sidecar.testing.TestSidecar;
import io.flinkinference.sidecar.testing.TestStream;

import com.google.rpc.Code;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.flinkinference.sidecar.testing.TestSidecar.code;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Requests that wait too long are answered DEADLINE_EXCEEDED when their deadline is reached, while
 * the backend is still busy (not when they would reach the head), and never run.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
@ExtendWith(GatedBackendExtension.class)
class ExpiryTest {

    @Test
    void expiresAtTheQueueMaxWait() throws Exception {
        try (TestSidecar sidecar =
                        TestSidecar.start(
                                "sidecar.backend", "gated",
                                "sidecar.backend.workers", "1",
                                "sidecar.batch.max-size", "1",
                                "sidecar.queue.max-wait", "300 ms");
                TestStream stream = sidecar.stream()) {
            stream.send(1, "running");
            GatedBackend.awaitEntered(1);
            long sent = System.nanoTime();
            stream.send(2, "waits-too-long");

            InferResponse expired = stream.next(Duration.ofSeconds(5)); // backend still blocked
            long waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sent);
            assertThat(expired.getRequestId()).isEqualTo(2);
            assertThat(code(expired)).isEqualTo(Code.DEADLINE_EXCEEDED);
            assertThat(expired.getError().getMessage()).contains("not run");
            assertThat(waitedMs).isBetween(250L, 3_000L);
            assertThat(sidecar.metrics().requestsExpired()).isEqualTo(1);
            assertThat(sidecar.metrics().queueDepth()).isZero();

            GatedBackend.openGate();
            assertThat(code(stream.next())).isEqualTo(Code.OK);
            assertThat(GatedBackend.calls).containsExactly(List.of("running"));
        }
    }

    @Test
    void expiresAtTheRequestTimeoutWhenShorter() throws Exception {
        try (TestSidecar sidecar =
                        TestSidecar.start(
                                "sidecar.backend", "gated",
                                "sidecar.backend.workers", "1",
                                "sidecar.batch.max-size", "1",
                                "sidecar.queue.max-wait", "1 min");
                TestStream stream = sidecar.stream()) {
            stream.send(1, "running");
            GatedBackend.awaitEntered(1);
            long sent = System.nanoTime();
            stream.send(TestStream.request(2, "long").toBuilder().setTimeoutMs(60_000).build());
            stream.send(TestStream.request(3, "short").toBuilder().setTimeoutMs(200).build());

            InferResponse expired = stream.next(Duration.ofSeconds(5));
            long waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sent);
            // Request 3 expires although request 2 is ahead of it in the queue.
            assertThat(expired.getRequestId()).isEqualTo(3);
            assertThat(code(expired)).isEqualTo(Code.DEADLINE_EXCEEDED);
            assertThat(waitedMs).isBetween(150L, 3_000L);

            GatedBackend.openGate();
            assertThat(stream.next(2).values())
                    .allSatisfy(r -> assertThat(code(r)).isEqualTo(Code.OK));
            assertThat(GatedBackend.calls).containsExactly(List.of("running"), List.of("long"));
            assertThat(sidecar.metrics().requestsExpired()).isEqualTo(1);
        }
    }
}
