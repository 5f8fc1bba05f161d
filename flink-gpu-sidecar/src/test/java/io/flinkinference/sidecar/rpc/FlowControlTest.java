package io.flinkinference.sidecar.rpc;

import io.flinkinference.sidecar.api.v1.InferResponse;
import io.flinkinference.sidecar.testing.Eventually;
import io.flinkinference.sidecar.testing.TestSidecar;
import io.flinkinference.sidecar.testing.TestStream;

import com.google.rpc.Code;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.flinkinference.sidecar.testing.TestSidecar.code;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A client that does not read its answers cannot make the server buffer without bound: the server
 * writes only while gRPC says the transport is ready, buffers at most {@code
 * sidecar.rpc.stream.max-buffered-responses} (+ in flight), and stops reading the stream meanwhile.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FlowControlTest {

    private static final int REQUESTS = 300;
    private static final int PAYLOAD = 64 * 1024;
    private static final int MAX_BUFFERED = 4;
    private static final int MAX_IN_FLIGHT = 64;

    @Test
    void slowReaderIsBoundedAndThenGetsEveryAnswer() throws Exception {
        try (TestSidecar sidecar =
                        TestSidecar.start(
                                "sidecar.rpc.stream.max-buffered-responses",
                                        String.valueOf(MAX_BUFFERED),
                                "sidecar.rpc.stream.max-in-flight", String.valueOf(MAX_IN_FLIGHT),
                                "sidecar.batch.timeout", "0 ms");
                TestStream stream = new TestStream(sidecar.channel, true)) {
            byte[] payload = new byte[PAYLOAD];
            for (int i = 0; i < REQUESTS; i++) {
                stream.send(TestStream.request(i, payload));
            }
            // The client reads nothing: the server fills the transport, then its buffer, then
            // stops.
            Eventually.await(
                    "the server's buffer for the stream to fill",
                    () -> sidecar.server.maxBufferedResponsesPerStream() >= MAX_BUFFERED,
                    sidecar.metrics()::toString,
                    Duration.ofSeconds(20));
            long readWhileStalled = sidecar.metrics().requestsReceived();
            assertThat(sidecar.server.maxBufferedResponsesPerStream())
                    .isLessThanOrEqualTo(MAX_BUFFERED + MAX_IN_FLIGHT);
            // ~19 MB were sent; the server read only what fits the transport windows + the buffer.
            assertThat(readWhileStalled).isLessThan(REQUESTS / 2);

            stream.request(Integer.MAX_VALUE);
            Map<Long, InferResponse> answers = stream.next(REQUESTS);
            assertThat(answers).hasSize(REQUESTS);
            assertThat(answers.values()).allSatisfy(r -> assertThat(code(r)).isEqualTo(Code.OK));
            assertThat(sidecar.metrics().requestsSucceeded()).isEqualTo(REQUESTS);
        }
    }
}
