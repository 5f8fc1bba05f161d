package io.flinkinference.sidecar.onnx;

import io.flinkinference.sidecar.SidecarOptions;
import io.flinkinference.sidecar.SidecarServer;
import io.flinkinference.sidecar.api.v1.GetModelInfoRequest;
import io.flinkinference.sidecar.api.v1.InferRequest;
import io.flinkinference.sidecar.api.v1.InferResponse;
import io.flinkinference.sidecar.api.v1.InferenceSidecarGrpc;
import io.flinkinference.sidecar.api.v1.ModelInfo;

import org.apache.flink.configuration.Configuration;

import com.google.protobuf.ByteString;
import com.google.rpc.Code;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Batch invariance end to end: a real sidecar with {@code sidecar.backend=onnx} and no other model
 * option, real gRPC over 127.0.0.1, several concurrent Infer streams whose requests the dynamic
 * batcher mixes into shared batches.
 */
@Timeout(180)
class OnnxSidecarServerTest {

    private static SidecarServer server;
    private static ManagedChannel channel;

    @BeforeAll
    static void start() throws Exception {
        Configuration config = new Configuration();
        config.set(SidecarOptions.BACKEND, "onnx");
        config.set(SidecarOptions.RPC_ENDPOINT, "127.0.0.1:0");
        config.set(SidecarOptions.BATCH_MAX_SIZE, 16);
        config.set(SidecarOptions.BATCH_TIMEOUT, Duration.ofMillis(20));
        config.set(SidecarOptions.QUEUE_MAX_WAIT, Duration.ofSeconds(120));
        server = SidecarServer.start(config);
        channel =
                Grpc.newChannelBuilder(
                                "127.0.0.1:" + server.port(), InsecureChannelCredentials.create())
                        .build();
    }

    @AfterAll
    static void stop() throws Exception {
        channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        server.close();
    }

    @Test
    void servesTheBundledModelByDefault() {
        ModelInfo info =
                InferenceSidecarGrpc.newBlockingStub(channel)
                        .getModelInfo(GetModelInfoRequest.getDefaultInstance());

        assertThat(info.getBackend()).isEqualTo("onnx");
        assertThat(info.getName()).isEqualTo("all-minilm-l6-v2");
        assertThat(info.getMode()).isEqualTo("text-embedding");
        assertThat(info.getEmbeddingDimension()).isEqualTo(384);
        assertThat(info.getMaxSequenceLength()).isEqualTo(256);
        assertThat(info.getMaxBatchSize()).isEqualTo(16);
    }

    @Test
    void vectorsDoNotDependOnBatchingOrderOrConcurrentStreams() throws Exception {
        // Alone: one request in flight at a time, so each runs in a batch of one.
        Map<String, byte[]> alone = new HashMap<>();
        for (String text : Sentences.VARIED) {
            Map<Long, InferResponse> answer = infer(List.of(text)).get(60, TimeUnit.SECONDS);
            alone.put(text, answer.get(0L).getPayload().toByteArray());
        }
        long batchesBefore = server.metrics().batchesExecuted();

        // Three streams pipeline every text, shuffled, plus one invalid payload each.
        int streams = 3;
        List<List<String>> sent = new ArrayList<>();
        List<CompletableFuture<Map<Long, InferResponse>>> answers = new ArrayList<>();
        for (int s = 0; s < streams; s++) {
            List<String> texts = new ArrayList<>(Sentences.VARIED);
            Collections.shuffle(texts, new Random(s));
            sent.add(texts);
        }
        for (List<String> texts : sent) {
            answers.add(infer(texts));
        }

        int requests = 0;
        for (int s = 0; s < streams; s++) {
            Map<Long, InferResponse> answer = answers.get(s).get(150, TimeUnit.SECONDS);
            List<String> texts = sent.get(s);
            for (int i = 0; i < texts.size(); i++) {
                InferResponse response = answer.get((long) i);
                assertThat(response.hasPayload()).as("%s", response).isTrue();
                assertThat(
                                Vectors.cosine(
                                        alone.get(texts.get(i)),
                                        response.getPayload().toByteArray()))
                        .as("stream %d, '%s'", s, texts.get(i))
                        .isGreaterThanOrEqualTo(0.99999);
                requests++;
            }
            InferResponse invalid = answer.get((long) texts.size());
            assertThat(invalid.getError().getCode()).isEqualTo(Code.INVALID_ARGUMENT_VALUE);
            assertThat(invalid.getError().getMessage()).contains("UTF-8");
        }
        long batches = server.metrics().batchesExecuted() - batchesBefore;
        assertThat(batches)
                .as("the %d concurrent requests shared batches", requests + streams)
                .isLessThan(requests + streams);
    }

    /**
     * Sends the texts with ids 0..n-1, then one invalid UTF-8 payload with id n when there is more
     * than one text, on a new stream; completes with every answer by id.
     */
    private static CompletableFuture<Map<Long, InferResponse>> infer(List<String> texts) {
        int expected = texts.size() > 1 ? texts.size() + 1 : 1;
        Map<Long, InferResponse> answers = new ConcurrentHashMap<>();
        CompletableFuture<Map<Long, InferResponse>> done = new CompletableFuture<>();
        StreamObserver<InferRequest> requests =
                InferenceSidecarGrpc.newStub(channel)
                        .infer(
                                new StreamObserver<>() {
                                    @Override
                                    public void onNext(InferResponse response) {
                                        answers.put(response.getRequestId(), response);
                                        if (answers.size() == expected) {
                                            done.complete(answers);
                                        }
                                    }

                                    @Override
                                    public void onError(Throwable t) {
                                        done.completeExceptionally(t);
                                    }

                                    @Override
                                    public void onCompleted() {
                                        if (answers.size() != expected) {
                                            done.completeExceptionally(
                                                    new AssertionError(
                                                            "stream ended after "
                                                                    + answers.size()
                                                                    + " of "
                                                                    + expected
                                                                    + " answers"));
                                        }
                                    }
                                });
        for (int i = 0; i < texts.size(); i++) {
            requests.onNext(request(i, texts.get(i).getBytes(StandardCharsets.UTF_8)));
        }
        if (expected > texts.size()) {
            requests.onNext(request(texts.size(), new byte[] {'o', 'k', (byte) 0xFF}));
        }
        return done.whenComplete((r, t) -> requests.onCompleted());
    }

    private static InferRequest request(long id, byte[] payload) {
        return InferRequest.newBuilder()
                .setRequestId(id)
                .setPayload(ByteString.copyFrom(payload))
                .build();
    }
}
