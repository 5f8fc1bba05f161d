package io.flinkinference.sidecar.rpc;

import io.flinkinference.sidecar.api.v1.InferResponse;
import io.flinkinference.sidecar.testing.Eventually;
import io.flinkinference.sidecar.testing.GatedBackend;
import io.flinkinference.sidecar.testing.GatedBackendExtension;
import io.flinkinference.sidecar.testing.TestSidecar;
import io.flinkinference.sidecar.testing.TestStream;

import com.google.rpc.Code;
import io.grpc.Status;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static io.flinkinference.sidecar.testing.TestSidecar.code;
import static org.assertj.core.api.Assertions.assertThat;

/** Per-stream rules: duplicate ids, message size, cancellation, many concurrent streams. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
@ExtendWith(GatedBackendExtension.class)
class StreamContractTest {

    @Test
    void duplicateInFlightIdIsInvalidArgumentAndTheFirstStillSucceeds() throws Exception {
        try (TestSidecar sidecar =
                        TestSidecar.start(
                                "sidecar.backend", "gated",
                                "sidecar.backend.workers", "1",
                                "sidecar.batch.max-size", "1");
                TestStream stream = sidecar.stream()) {
            stream.send(7, "first");
            GatedBackend.awaitEntered(1);
            stream.send(7, "second");
            InferResponse duplicate = stream.next();
            assertThat(code(duplicate)).isEqualTo(Code.INVALID_ARGUMENT);
            assertThat(duplicate.getRequestId()).isEqualTo(7);
            assertThat(duplicate.getError().getMessage()).contains("already in flight");

            GatedBackend.openGate();
            InferResponse first = stream.next();
            assertThat(first.getPayload().toString(StandardCharsets.UTF_8)).isEqualTo("first");
            // Once answered, the id may be used again.
            stream.send(7, "third");
            assertThat(stream.next().getPayload().toString(StandardCharsets.UTF_8))
                    .isEqualTo("third");
            assertThat(GatedBackend.calls).containsExactly(List.of("first"), List.of("third"));
        }
    }

    @Test
    void messagesUpToTheMaxSizePassAndLargerOnesEndTheStreamWithResourceExhausted()
            throws Exception {
        try (TestSidecar sidecar = TestSidecar.start("sidecar.rpc.max-message-size", "1 kb")) {
            try (TestStream stream = sidecar.stream()) {
                // 1024-byte message: tag + length (1 + 2 bytes) + id (2 bytes) + 1019 payload bytes
                byte[] payload = new byte[1019];
                Arrays.fill(payload, (byte) 'x');
                assertThat(TestStream.request(1, payload).getSerializedSize()).isEqualTo(1024);
                stream.send(TestStream.request(1, payload));
                assertThat(code(stream.next())).isEqualTo(Code.OK);
            }
            try (TestStream stream = sidecar.stream()) {
                byte[] payload = new byte[1020]; // 1025 bytes: one over
                stream.send(TestStream.request(1, payload));
                Status status = stream.closed().get(10, TimeUnit.SECONDS);
                assertThat(status.getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
            }
            // The server is unaffected.
            try (TestStream stream = sidecar.stream()) {
                stream.send(1, "small");
                assertThat(code(stream.next())).isEqualTo(Code.OK);
            }
        }
    }

    @Test
    void cancelledStreamDropsItsQueuedRequestsBeforeExecution() throws Exception {
        try (TestSidecar sidecar =
                        TestSidecar.start(
                                "sidecar.backend", "gated",
                                "sidecar.backend.workers", "1",
                                "sidecar.batch.max-size", "1",
                                "sidecar.queue.max-wait", "1 min");
                TestStream doomed = sidecar.stream();
                TestStream survivor = sidecar.stream()) {
            doomed.send(1, "running");
            GatedBackend.awaitEntered(1);
            for (int i = 2; i <= 6; i++) {
                doomed.send(i, "queued-" + i);
            }
            survivor.send(100, "survivor");
            Eventually.await("6 requests queued", () -> sidecar.metrics().queueDepth() == 6);

            doomed.cancel();
            Eventually.await(
                    "the cancelled stream's queued requests to be dropped",
                    () ->
                            sidecar.metrics().queueDepth() == 1
                                    && sidecar.metrics().requestsCancelled() == 5);

            GatedBackend.openGate();
            assertThat(survivor.next().getPayload().toString(StandardCharsets.UTF_8))
                    .isEqualTo("survivor");
            // The running request finished for nobody; nothing of the doomed stream ran after.
            Eventually.await("nothing in flight", () -> sidecar.metrics().inFlightRequests() == 0);
            assertThat(GatedBackend.calls).containsExactly(List.of("running"), List.of("survivor"));
            assertThat(sidecar.metrics().requestsCancelled()).isEqualTo(6);
            assertThat(sidecar.metrics().requestsSucceeded()).isEqualTo(1);
            assertThat(sidecar.metrics().requestsReceived()).isEqualTo(7);
            assertThat(sidecar.metrics().queueDepth()).isZero();
        }
    }

    @Test
    void manyConcurrentStreamsEachGetTheirOwnAnswers() throws Exception {
        int streams = 16;
        int perStream = 300;
        try (TestSidecar sidecar =
                TestSidecar.start(
                        "sidecar.backend.workers", "2",
                        "sidecar.batch.max-size", "32",
                        "sidecar.batch.timeout", "2 ms",
                        "sidecar.mock.latency.fixed", "1 ms",
                        "sidecar.queue.max-length", String.valueOf(streams * perStream))) {
            runConcurrentStreams(sidecar, streams, perStream);
            assertThat(sidecar.metrics().batchesExecuted()).isLessThan((long) streams * perStream);
            assertThat(sidecar.metrics().batchSize().getStatistics().getMax()).isGreaterThan(1);
        }
    }

    @Test
    void streamsOutnumberingTheRpcThreadsAreAllServedByThoseThreadsOnly() throws Exception {
        int streams = 16;
        int perStream = 300;
        Set<Thread> before = liveThreads();
        try (TestSidecar sidecar =
                TestSidecar.start(
                        "sidecar.rpc.executor-threads", "1",
                        "sidecar.batch.max-size", "32",
                        "sidecar.batch.timeout", "2 ms",
                        "sidecar.queue.max-length", String.valueOf(streams * perStream))) {
            runConcurrentStreams(sidecar, streams, perStream);
            Set<Thread> started = liveThreads();
            started.removeAll(before);
            assertThat(started)
                    .as("the service's callbacks ran on the one configured thread")
                    .filteredOn(t -> t.getName().startsWith("sidecar-rpc-"))
                    .hasSize(1);
        }
    }

    /**
     * Opens {@code streams} streams at once, sends {@code perStream} requests on each, and checks
     * that each stream gets exactly its own answers and then completes OK.
     */
    private static void runConcurrentStreams(TestSidecar sidecar, int streams, int perStream)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(streams);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int s = 0; s < streams; s++) {
                int streamId = s;
                results.add(pool.submit(() -> oneStream(sidecar, streamId, perStream)));
            }
            for (Future<Integer> f : results) {
                assertThat(f.get(50, TimeUnit.SECONDS)).isEqualTo(perStream);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(sidecar.metrics().requestsSucceeded()).isEqualTo((long) streams * perStream);
        assertThat(sidecar.metrics().inFlightRequests()).isZero();
    }

    private static int oneStream(TestSidecar sidecar, int streamId, int perStream)
            throws Exception {
        try (TestStream stream = sidecar.stream()) {
            for (int i = 0; i < perStream; i++) {
                stream.send(i, streamId + "/" + i);
            }
            Map<Long, InferResponse> answers = stream.next(perStream);
            answers.forEach(
                    (id, r) ->
                            assertThat(r.getPayload().toString(StandardCharsets.UTF_8))
                                    .isEqualTo(streamId + "/" + id));
            stream.halfClose();
            assertThat(stream.closed().get(10, TimeUnit.SECONDS).isOk()).isTrue();
            return answers.size();
        }
    }

    private static Set<Thread> liveThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .collect(Collectors.toCollection(HashSet::new));
    }
}
