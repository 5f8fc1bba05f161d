package io.flinkinference.sidecar.rpc;

import io.flinkinference.sidecar.api.v1.GetModelInfoRequest;
import io.flinkinference.sidecar.api.v1.InferRequest;
import io.flinkinference.sidecar.api.v1.InferResponse;
import io.flinkinference.sidecar.api.v1.InferenceSidecarGrpc;
import io.flinkinference.sidecar.api.v1.ModelInfo;
import io.flinkinference.sidecar.metrics.SidecarMetrics;
import io.flinkinference.sidecar.queue.BoundedRequestQueue;
import io.flinkinference.sidecar.request.InferenceRequest;

import com.google.rpc.Code;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;

import java.util.ArrayList;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The {@code flinkinference.sidecar.v1.InferenceSidecar} service: admits requests of every {@link
 * InferStream} into the shared {@link BoundedRequestQueue} and answers {@code GetModelInfo}.
 *
 * <p>Admission, in this order: while stopping, {@code UNAVAILABLE}; a model other than {@code ""}
 * or the served model's name, {@code NOT_FOUND}; no room in the queue, {@code RESOURCE_EXHAUSTED}
 * with a {@code RetryInfo}; otherwise the request waits until {@code min(sidecar.queue.max-wait,
 * timeout_ms)} at most.
 *
 * <p>Thread-safe.
 */
public final class InferenceService extends InferenceSidecarGrpc.InferenceSidecarImplBase {

    /** Limits that apply to each stream. */
    public record StreamLimits(int maxInFlight, int maxBufferedResponses) {}

    private final ModelInfo model;
    private final BoundedRequestQueue<InferenceRequest> queue;
    private final LongSupplier retryDelayNanos;
    private final SidecarMetrics metrics;
    private final StreamLimits limits;
    private final long maxWaitNanos;
    private final Set<InferStream> streams = ConcurrentHashMap.newKeySet();
    private volatile boolean stopping;

    public InferenceService(
            ModelInfo model,
            BoundedRequestQueue<InferenceRequest> queue,
            LongSupplier retryDelayNanos,
            SidecarMetrics metrics,
            StreamLimits limits,
            long maxWaitNanos) {
        this.model = model;
        this.queue = queue;
        this.retryDelayNanos = retryDelayNanos;
        this.metrics = metrics;
        this.limits = limits;
        this.maxWaitNanos = maxWaitNanos;
    }

    @Override
    public StreamObserver<InferRequest> infer(StreamObserver<InferResponse> responseObserver) {
        InferStream stream =
                new InferStream(
                        (ServerCallStreamObserver<InferResponse>) responseObserver,
                        this,
                        metrics,
                        limits.maxInFlight(),
                        limits.maxBufferedResponses());
        streams.add(stream);
        return stream;
    }

    @Override
    public void getModelInfo(GetModelInfoRequest request, StreamObserver<ModelInfo> observer) {
        if (serves(request.getModel())) {
            observer.onNext(model);
            observer.onCompleted();
        } else {
            observer.onError(
                    Status.NOT_FOUND
                            .withDescription(unknownModel(request.getModel()))
                            .asRuntimeException());
        }
    }

    private boolean serves(String requested) {
        return requested.isEmpty() || requested.equals(model.getName());
    }

    private String unknownModel(String requested) {
        return "unknown model '" + requested + "'; this sidecar serves '" + model.getName() + "'";
    }

    /** Queues {@code request} or answers it at once. */
    void admit(InferenceRequest request, String requestedModel, int timeoutMs) {
        if (stopping) {
            request.reject(Code.UNAVAILABLE, "the sidecar is shutting down");
            return;
        }
        if (!serves(requestedModel)) {
            request.fail(Code.NOT_FOUND, unknownModel(requestedModel));
            return;
        }
        long waitLimit =
                timeoutMs > 0
                        ? Math.min(maxWaitNanos, TimeUnit.MILLISECONDS.toNanos(timeoutMs))
                        : maxWaitNanos;
        request.waitLimit(waitLimit);
        BoundedRequestQueue.Entry<InferenceRequest> entry =
                queue.offer(request, request.receivedNanos() + waitLimit);
        if (entry != null) {
            request.queued(entry);
        } else if (queue.isClosed()) {
            request.reject(Code.UNAVAILABLE, "the sidecar is shutting down");
        } else {
            request.rejectExhausted(
                    "the queue is full ("
                            + queue.maxLength()
                            + " requests, sidecar.queue.max-length); retry after the RetryInfo"
                            + " delay",
                    retryDelayNanos.getAsLong());
        }
    }

    /** Removes a queued request of a cancelled stream; {@code true} when it had not run yet. */
    boolean unqueue(InferenceRequest request) {
        return queue.remove(request.entry());
    }

    long retryDelayNanos() {
        return retryDelayNanos.getAsLong();
    }

    void streamEnded(InferStream stream) {
        synchronized (streams) {
            streams.remove(stream);
            streams.notifyAll();
        }
    }

    /**
     * Waits until no Infer stream is open; {@code false} when {@code timeoutNanos} passed first.
     */
    public boolean awaitStreamsEnded(long timeoutNanos) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutNanos;
        synchronized (streams) {
            while (!streams.isEmpty()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(streams, left);
            }
        }
        return true;
    }

    /** From now on every new request is answered {@code UNAVAILABLE}. */
    public void stopAccepting() {
        stopping = true;
    }

    /** Asks every open stream to complete once its in-flight requests are answered. */
    public void finishStreams() {
        for (InferStream s : new ArrayList<>(streams)) {
            s.finish();
        }
    }

    /** Streams still open. */
    public int openStreams() {
        return streams.size();
    }

    /** The most answers any open stream buffers now for a slow reader. */
    public int maxBufferedResponses() {
        int max = 0;
        for (InferStream s : streams) {
            max = Math.max(max, s.bufferedResponses());
        }
        return max;
    }
}
