package io.flinkinference.sidecar.testing;

import io.flinkinference.sidecar.api.v1.InferRequest;
import io.flinkinference.sidecar.api.v1.InferResponse;
import io.flinkinference.sidecar.api.v1.InferenceSidecarGrpc;

import com.google.protobuf.ByteString;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A real gRPC client {@code Infer} stream that collects the answers, for tests. */
public final class TestStream implements AutoCloseable {

    private final LinkedBlockingQueue<InferResponse> responses = new LinkedBlockingQueue<>();
    private final CompletableFuture<Status> closed = new CompletableFuture<>();
    private final CompletableFuture<ClientCallStreamObserver<InferRequest>> call =
            new CompletableFuture<>();
    private final ClientCallStreamObserver<InferRequest> requests;

    /**
     * @param manualInbound when true the client reads no answer until {@link #request(int)}
     */
    public TestStream(Channel channel, boolean manualInbound) {
        InferenceSidecarGrpc.newStub(channel)
                .infer(
                        new ClientResponseObserver<InferRequest, InferResponse>() {
                            @Override
                            public void beforeStart(ClientCallStreamObserver<InferRequest> r) {
                                if (manualInbound) {
                                    r.disableAutoRequestWithInitial(0);
                                }
                                call.complete(r);
                            }

                            @Override
                            public void onNext(InferResponse value) {
                                responses.add(value);
                            }

                            @Override
                            public void onError(Throwable t) {
                                closed.complete(Status.fromThrowable(t));
                            }

                            @Override
                            public void onCompleted() {
                                closed.complete(Status.OK);
                            }
                        });
        requests = call.join();
    }

    public TestStream(Channel channel) {
        this(channel, false);
    }

    public static InferRequest request(long id, String payload) {
        return request(id, payload.getBytes(StandardCharsets.UTF_8));
    }

    public static InferRequest request(long id, byte[] payload) {
        return InferRequest.newBuilder()
                .setRequestId(id)
                .setPayload(ByteString.copyFrom(payload))
                .build();
    }

    public synchronized TestStream send(InferRequest request) {
        requests.onNext(request);
        return this;
    }

    public TestStream send(long id, String payload) {
        return send(request(id, payload));
    }

    /** The next answer; fails after {@code timeout}. */
    public InferResponse next(Duration timeout) throws InterruptedException {
        InferResponse r = responses.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
        if (r == null) {
            throw new AssertionError("no answer within " + timeout);
        }
        return r;
    }

    public InferResponse next() throws InterruptedException {
        return next(Duration.ofSeconds(10));
    }

    /** The next {@code n} answers by request id; fails on a duplicate id. */
    public Map<Long, InferResponse> next(int n) throws InterruptedException {
        Map<Long, InferResponse> byId = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            InferResponse r = next();
            if (byId.put(r.getRequestId(), r) != null) {
                throw new AssertionError("two answers for request " + r.getRequestId());
            }
        }
        return byId;
    }

    /** Answers received and not taken yet. */
    public List<InferResponse> pending() {
        List<InferResponse> list = new ArrayList<>();
        responses.drainTo(list);
        return list;
    }

    /** Lets the client read {@code n} more answers (manual inbound mode). */
    public void request(int n) {
        requests.request(n);
    }

    public synchronized void halfClose() {
        requests.onCompleted();
    }

    public void cancel() {
        requests.cancel("test cancels", null);
    }

    /** Completes with the stream's final status. */
    public CompletableFuture<Status> closed() {
        return closed;
    }

    @Override
    public void close() {
        if (!closed.isDone()) {
            cancel();
        }
    }
}
