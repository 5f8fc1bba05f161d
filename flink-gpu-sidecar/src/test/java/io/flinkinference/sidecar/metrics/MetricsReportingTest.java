package io.flinkinference.sidecar.metrics;

import io.flinkinference.sidecar.api.v1.InferResponse;
import io.flinkinference.sidecar.testing.GatedBackend;
import io.flinkinference.sidecar.testing.GatedBackendExtension;
import io.flinkinference.sidecar.testing.InMemoryReporter;
import io.flinkinference.sidecar.testing.TestSidecar;
import io.flinkinference.sidecar.testing.TestStream;

import org.apache.flink.configuration.IllegalConfigurationException;

import com.google.rpc.Code;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.flinkinference.sidecar.testing.TestSidecar.code;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The metrics reach Flink reporters configured as in Flink, and every counter equals what a real
 * gRPC client observed for a known mix of successes, rejections, expiries and failures.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
@ExtendWith(GatedBackendExtension.class)
class MetricsReportingTest {

    private static final List<String> NAMES =
            List.of(
                    "requestsReceived",
                    "requestsSucceeded",
                    "requestsRejected",
                    "requestsExpired",
                    "requestsFailed",
                    "requestsCancelled",
                    "batchesExecuted",
                    "queueDepth",
                    "inFlightRequests",
                    "batchSize",
                    "latencyQueueUs",
                    "latencyBackendUs",
                    "latencyEndToEndUs");

    @Test
    void countersMatchWhatTheClientObserved() throws Exception {
        Map<Code, Integer> observed = new EnumMap<>(Code.class);
        int sent = 0;
        try (TestSidecar sidecar =
                        TestSidecar.start(
                                "metrics.reporter.mem.factory.class",
                                        InMemoryReporter.Factory.class.getName(),
                                "metrics.reporter.mem.some-key", "some-value",
                                "sidecar.backend", "gated",
                                "sidecar.backend.workers", "1",
                                "sidecar.batch.max-size", "1",
                                "sidecar.queue.max-length", "2",
                                "sidecar.queue.max-wait", "1 min");
                TestStream stream = sidecar.stream()) {
            InMemoryReporter reporter = InMemoryReporter.last;
            assertThat(reporter.metrics.keySet()).containsAll(NAMES);
            assertThat(reporter.config.getProperty("some-key")).isEqualTo("some-value");
            assertThat(reporter.identifiers.get("requestsReceived"))
                    .endsWith(".sidecar.requestsReceived");

            stream.send(1, "ok-running"); // succeeds
            sent++;
            GatedBackend.awaitEntered(1);
            stream.send(TestStream.request(2, "expires").toBuilder().setTimeoutMs(50).build());
            sent++;
            record(observed, stream.next()); // expired
            stream.send(3, "ok-queued").send(4, "FAIL-queued"); // fill the queue of 2
            stream.send(5, "rejected").send(6, "rejected"); // overflow
            stream.send(TestStream.request(7, "x").toBuilder().setModel("nope").build());
            stream.send(3, "duplicate id");
            sent += 6;
            for (InferResponse r : stream.next(4).values()) {
                record(observed, r); // 2 rejected, unknown model, duplicate
            }
            GatedBackend.openGate();
            for (InferResponse r : stream.next(3).values()) {
                record(observed, r); // 2 ok + 1 FAIL
            }
            assertThat(stream.pending()).isEmpty();

            assertThat(observed)
                    .containsOnly(
                            Map.entry(Code.OK, 2),
                            Map.entry(Code.DEADLINE_EXCEEDED, 1),
                            Map.entry(Code.RESOURCE_EXHAUSTED, 2),
                            Map.entry(Code.NOT_FOUND, 1),
                            Map.entry(Code.INVALID_ARGUMENT, 1),
                            Map.entry(Code.INTERNAL, 1));
            int failed =
                    observed.get(Code.NOT_FOUND)
                            + observed.get(Code.INVALID_ARGUMENT)
                            + observed.get(Code.INTERNAL);
            assertThat(reporter.count("requestsReceived")).isEqualTo((long) sent);
            assertThat(reporter.count("requestsSucceeded")).isEqualTo((long) observed.get(Code.OK));
            assertThat(reporter.count("requestsRejected"))
                    .isEqualTo((long) observed.get(Code.RESOURCE_EXHAUSTED));
            assertThat(reporter.count("requestsExpired"))
                    .isEqualTo((long) observed.get(Code.DEADLINE_EXCEEDED));
            assertThat(reporter.count("requestsFailed")).isEqualTo((long) failed);
            assertThat(reporter.count("requestsCancelled")).isZero();
            assertThat(reporter.count("batchesExecuted")).isEqualTo(3);
            assertThat(reporter.gauge("queueDepth")).isEqualTo(0L);
            assertThat(reporter.gauge("inFlightRequests")).isEqualTo(0L);
            assertThat(reporter.histogram("batchSize").getCount()).isEqualTo(3);
            assertThat(reporter.histogram("latencyBackendUs").getCount()).isEqualTo(3);
            assertThat(reporter.histogram("latencyQueueUs").getCount()).isEqualTo(3);
            assertThat(reporter.histogram("latencyEndToEndUs").getCount()).isEqualTo(3);
            // The server's own view agrees with the reporter's.
            SidecarMetrics m = sidecar.metrics();
            assertThat(m.requestsReceived()).isEqualTo((long) sent);
            assertThat(m.requestsFailed()).isEqualTo((long) failed);
        }
        assertThat(InMemoryReporter.last.closed).isTrue();
    }

    @Test
    void prometheusReporterServesTheMetricsOverHttp() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        try (TestSidecar sidecar =
                        TestSidecar.start(
                                "metrics.reporter.prom.factory.class",
                                "org.apache.flink.metrics.prometheus.PrometheusReporterFactory",
                                "metrics.reporter.prom.port",
                                String.valueOf(port));
                TestStream stream = sidecar.stream()) {
            stream.send(1, "x");
            assertThat(code(stream.next())).isEqualTo(Code.OK);
            HttpResponse<String> page =
                    HttpClient.newHttpClient()
                            .send(
                                    HttpRequest.newBuilder(
                                                    URI.create(
                                                            "http://127.0.0.1:"
                                                                    + port
                                                                    + "/metrics"))
                                            .timeout(Duration.ofSeconds(10))
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString());
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.body())
                    .contains("flink_sidecar_requestsReceived")
                    .contains("flink_sidecar_requestsSucceeded")
                    .contains("flink_sidecar_queueDepth")
                    .contains("flink_sidecar_latencyEndToEndUs");
        }
    }

    @Test
    void unknownReporterFactoryIsAConfigurationErrorNamingTheOption() {
        assertThatThrownBy(
                        () ->
                                TestSidecar.start(
                                        "metrics.reporter.x.factory.class", "com.example.Nope"))
                .isInstanceOf(IllegalConfigurationException.class)
                .hasMessageStartingWith("metrics.reporter.x.factory.class");
    }

    private static void record(Map<Code, Integer> observed, InferResponse r) {
        observed.merge(code(r), 1, Integer::sum);
    }
}
