package io.flinkinference.benchmarks.sidecar;

import io.flinkinference.sidecar.api.v1.InferRequest;
import io.flinkinference.sidecar.api.v1.InferResponse;
import io.flinkinference.sidecar.api.v1.InferenceSidecarGrpc;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * The baseline of sidecar-overhead: a bare grpc-java server of the same Infer service that answers
 * each request at once with its own payload, on the gRPC thread that received it. No queue, no
 * batching, no metrics: what gRPC alone costs per message.
 */
public final class EchoServer implements AutoCloseable {

    private final Server server;
    private final ManagedChannel channel;

    public EchoServer() throws Exception {
        server =
                NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                        .addService(new Echo())
                        .build()
                        .start();
        channel = SidecarUnderTest.channel(server.getPort());
    }

    public ManagedChannel channel() {
        return channel;
    }

    @Override
    public void close() throws InterruptedException {
        channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        server.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    }

    private static final class Echo extends InferenceSidecarGrpc.InferenceSidecarImplBase {
        @Override
        public StreamObserver<InferRequest> infer(StreamObserver<InferResponse> responses) {
            return new StreamObserver<>() {
                @Override
                public void onNext(InferRequest request) {
                    responses.onNext(
                            InferResponse.newBuilder()
                                    .setRequestId(request.getRequestId())
                                    .setPayload(request.getPayload())
                                    .build());
                }

                @Override
                public void onError(Throwable t) {}

                @Override
                public void onCompleted() {
                    responses.onCompleted();
                }
            };
        }
    }
}
