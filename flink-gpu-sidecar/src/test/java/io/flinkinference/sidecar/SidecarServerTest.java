package io.flinkinference.sidecar;

import io.flinkinference.sidecar.api.v1.GetModelInfoRequest;
import io.flinkinference.sidecar.api.v1.InferResponse;
import io.flinkinference.sidecar.api.v1.InferenceSidecarGrpc;
import io.flinkinference.sidecar.api.v1.ModelInfo;
import io.flinkinference.sidecar.testing.TestSidecar;
import io.flinkinference.sidecar.testing.TestStream;

import com.google.rpc.Code;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.reflection.v1.ServiceResponse;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static io.flinkinference.sidecar.testing.TestSidecar.code;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The basic contract over real gRPC on loopback: identity, model selection, health, reflection. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SidecarServerTest {

    @Test
    void answersEachRequestWithItsPayloadAndServesModelInfo() throws Exception {
        try (TestSidecar sidecar = TestSidecar.start();
                TestStream stream = sidecar.stream()) {
            assertThat(sidecar.server.port()).isPositive();
            assertThat(sidecar.server.endpoint()).isEqualTo("127.0.0.1:" + sidecar.server.port());
            assertThat(sidecar.server.modelInfo().getName()).isEqualTo("mock");

            stream.send(1, "hello")
                    .send(TestStream.request(2, "world").toBuilder().setModel("mock").build());
            Map<Long, InferResponse> answers = stream.next(2);
            assertThat(answers.get(1L).getPayload().toString(StandardCharsets.UTF_8))
                    .isEqualTo("hello");
            assertThat(answers.get(2L).getPayload().toString(StandardCharsets.UTF_8))
                    .isEqualTo("world");

            InferenceSidecarGrpc.InferenceSidecarBlockingStub stub =
                    InferenceSidecarGrpc.newBlockingStub(sidecar.channel);
            ModelInfo info = stub.getModelInfo(GetModelInfoRequest.getDefaultInstance());
            assertThat(info.getName()).isEqualTo("mock");
            assertThat(info.getBackend()).isEqualTo("mock");
            assertThat(info.getMode()).isEqualTo("identity");
            assertThat(stub.getModelInfo(GetModelInfoRequest.newBuilder().setModel("mock").build()))
                    .isEqualTo(info);
            assertThatThrownBy(
                            () ->
                                    stub.getModelInfo(
                                            GetModelInfoRequest.newBuilder()
                                                    .setModel("other")
                                                    .build()))
                    .isInstanceOfSatisfying(
                            StatusRuntimeException.class,
                            e ->
                                    assertThat(e.getStatus().getCode())
                                            .isEqualTo(Status.Code.NOT_FOUND));

            stream.halfClose();
            assertThat(stream.closed().get(5, TimeUnit.SECONDS).isOk()).isTrue();
            assertThat(sidecar.metrics().requestsSucceeded()).isEqualTo(2);
        }
    }

    @Test
    void unknownModelIsNotFoundAndTheStreamGoesOn() throws Exception {
        try (TestSidecar sidecar = TestSidecar.start();
                TestStream stream = sidecar.stream()) {
            stream.send(TestStream.request(1, "x").toBuilder().setModel("resnet").build());
            InferResponse answer = stream.next();
            assertThat(code(answer)).isEqualTo(Code.NOT_FOUND);
            assertThat(answer.getError().getMessage()).contains("resnet").contains("mock");

            stream.send(2, "still open");
            assertThat(code(stream.next())).isEqualTo(Code.OK);
        }
    }

    @Test
    void servesHealthAndReflection() throws Exception {
        try (TestSidecar sidecar = TestSidecar.start()) {
            HealthGrpc.HealthBlockingStub health = HealthGrpc.newBlockingStub(sidecar.channel);
            assertThat(health.check(HealthCheckRequest.getDefaultInstance()).getStatus())
                    .isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
            assertThat(
                            health.check(
                                            HealthCheckRequest.newBuilder()
                                                    .setService(InferenceSidecarGrpc.SERVICE_NAME)
                                                    .build())
                                    .getStatus())
                    .isEqualTo(HealthCheckResponse.ServingStatus.SERVING);

            CompletableFuture<ServerReflectionResponse> reply = new CompletableFuture<>();
            StreamObserver<ServerReflectionRequest> reflection =
                    ServerReflectionGrpc.newStub(sidecar.channel)
                            .serverReflectionInfo(
                                    new StreamObserver<>() {
                                        @Override
                                        public void onNext(ServerReflectionResponse value) {
                                            reply.complete(value);
                                        }

                                        @Override
                                        public void onError(Throwable t) {
                                            reply.completeExceptionally(t);
                                        }

                                        @Override
                                        public void onCompleted() {}
                                    });
            reflection.onNext(ServerReflectionRequest.newBuilder().setListServices("").build());
            List<String> services =
                    reply
                            .get(10, TimeUnit.SECONDS)
                            .getListServicesResponse()
                            .getServiceList()
                            .stream()
                            .map(ServiceResponse::getName)
                            .toList();
            reflection.onCompleted();
            assertThat(services)
                    .contains(InferenceSidecarGrpc.SERVICE_NAME, "grpc.health.v1.Health");
        }
    }

    @Test
    void aTakenPortFailsTheStartAndLeavesNothingRunning() throws Exception {
        try (TestSidecar first = TestSidecar.start()) {
            Set<String> threadsBefore = threadNames();
            assertThatThrownBy(
                            () ->
                                    SidecarServer.start(
                                            TestSidecar.config(
                                                    SidecarOptions.RPC_ENDPOINT.key(),
                                                    first.server.endpoint())))
                    .isInstanceOf(IOException.class);
            assertThat(threadNames())
                    .noneMatch(n -> n.startsWith("sidecar-") && !threadsBefore.contains(n));
            // The first server is untouched.
            try (TestStream stream = first.stream()) {
                stream.send(1, "still here");
                assertThat(code(stream.next())).isEqualTo(Code.OK);
            }
        }
    }

    private static Set<String> threadNames() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .map(Thread::getName)
                .collect(Collectors.toSet());
    }
}
