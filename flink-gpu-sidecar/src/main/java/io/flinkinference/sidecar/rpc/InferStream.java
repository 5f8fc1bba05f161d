package io.flinkinference.sidecar.rpc;

import io.flinkinference.sidecar.api.v1.InferRequest;
import io.flinkinference.sidecar.api.v1.InferResponse;
import io.flinkinference.sidecar.metrics.Outcome;
import io.flinkinference.sidecar.metrics.SidecarMetrics;
import io.flinkinference.sidecar.request.InferenceRequest;
import io.flinkinference.sidecar.request.ResponseSink;
import io.flinkinference.sidecar.request.Responses;

import com.google.rpc.Code;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The server side of one {@code Infer} stream.
 *
 * <p>Each request gets exactly one answer, written in completion order; an error for one request
 * never ends the stream. A request id already in flight on this stream is answered {@code
 * INVALID_ARGUMENT}; more than {@code maxInFlight} requests in flight, {@code RESOURCE_EXHAUSTED}.
 *
 * <p>Flow control (both directions bounded): answers are written only while gRPC says the transport
 * {@link ServerCallStreamObserver#isReady() is ready} and are otherwise buffered; while {@code
 * maxBuffered} or more answers wait, the stream stops requesting inbound messages (manual inbound
 * flow control), so a client that does not read cannot make the server buffer more than {@code
 * maxBuffered + maxInFlight} answers.
 *
 * <p>When the client half-closes, the stream completes once every request is answered and written.
 * When it cancels or breaks, its queued requests are removed from the queue and counted {@link
 * Outcome#CANCELLED}, as are answers that arrive later or were still buffered.
 *
 * <p>Thread-safe: gRPC callbacks arrive serially; answers arrive from worker and timer threads; all
 * writes to the call happen under one lock.
 */
final class InferStream implements StreamObserver<InferRequest>, ResponseSink {

    private final ServerCallStreamObserver<InferResponse> call;
    private final InferenceService service;
    private final SidecarMetrics metrics;
    private final int maxInFlight;
    private final int maxBuffered;

    private final Object lock = new Object();
    private final Map<Long, InferenceRequest> inFlight = new HashMap<>();
    private final ArrayDeque<Pending> outbound = new ArrayDeque<>();
    private boolean needsRequest;
    private boolean halfClosed;
    private boolean finishing;
    private boolean closed;

    /** An answer waiting for the transport. */
    private record Pending(InferResponse response, Outcome outcome, long executedSinceNanos) {}

    InferStream(
            ServerCallStreamObserver<InferResponse> call,
            InferenceService service,
            SidecarMetrics metrics,
            int maxInFlight,
            int maxBuffered) {
        this.call = call;
        this.service = service;
        this.metrics = metrics;
        this.maxInFlight = maxInFlight;
        this.maxBuffered = maxBuffered;
        call.disableAutoRequest();
        call.setOnReadyHandler(this::drain);
        call.setOnCancelHandler(this::cancel);
        call.setOnCloseHandler(() -> service.streamEnded(this));
        call.request(1);
    }

    @Override
    public void onNext(InferRequest message) {
        long now = System.nanoTime();
        metrics.requestReceived();
        long id = message.getRequestId();
        InferenceRequest request = null;
        synchronized (lock) {
            needsRequest = true;
            if (closed) {
                metrics.requestEnded(Outcome.CANCELLED);
                return;
            }
            if (inFlight.containsKey(id)) {
                outbound.add(
                        immediate(
                                Responses.error(
                                        id,
                                        Code.INVALID_ARGUMENT,
                                        "request_id "
                                                + id
                                                + " is already in flight on this stream;"
                                                + " ids must be unique among in-flight requests"),
                                Outcome.FAILED));
            } else if (inFlight.size() >= maxInFlight) {
                outbound.add(
                        immediate(
                                Responses.resourceExhausted(
                                        id,
                                        "this stream already has "
                                                + maxInFlight
                                                + " requests in flight"
                                                + " (sidecar.rpc.stream.max-in-flight)",
                                        service.retryDelayNanos()),
                                Outcome.REJECTED));
            } else {
                request = new InferenceRequest(id, message.getPayload().toByteArray(), now, this);
                inFlight.put(id, request);
            }
        }
        if (request != null) {
            service.admit(request, message.getModel(), message.getTimeoutMs());
        }
        drain();
    }

    private static Pending immediate(InferResponse response, Outcome outcome) {
        return new Pending(response, outcome, -1);
    }

    @Override
    public void answer(InferenceRequest request, InferResponse response, Outcome outcome) {
        synchronized (lock) {
            inFlight.remove(request.requestId(), request);
            if (closed || response == null) {
                metrics.requestEnded(Outcome.CANCELLED);
                return;
            }
            outbound.add(
                    new Pending(
                            response, outcome, request.executed() ? request.receivedNanos() : -1));
        }
        drain();
    }

    /** Writes what the transport accepts; completes or asks for more input when it should. */
    private void drain() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            while (!outbound.isEmpty() && call.isReady()) {
                Pending p = outbound.poll();
                // Counted before the write, so a client that sees the answer sees it counted.
                metrics.requestEnded(p.outcome());
                if (p.executedSinceNanos() >= 0) {
                    metrics.endToEndLatency(System.nanoTime() - p.executedSinceNanos());
                }
                call.onNext(p.response());
            }
            if ((halfClosed || finishing) && inFlight.isEmpty() && outbound.isEmpty()) {
                closed = true;
                // The stream counts as ended in the close handler, once the trailers are sent: a
                // shutdown that cancels the calls still open must not cut off this OK status.
                call.onCompleted();
                return;
            }
            if (needsRequest && !halfClosed && outbound.size() < maxBuffered) {
                needsRequest = false;
                call.request(1);
            }
        }
    }

    @Override
    public void onError(Throwable t) {
        cancel();
    }

    @Override
    public void onCompleted() {
        synchronized (lock) {
            halfClosed = true;
        }
        drain();
    }

    /** Completes the stream once what is in flight has been answered (server shutdown). */
    void finish() {
        synchronized (lock) {
            finishing = true;
        }
        drain();
    }

    /** The client cancelled or the connection broke: drop everything of this stream. */
    private void cancel() {
        List<InferenceRequest> dropped;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            for (Pending p : outbound) {
                metrics.requestEnded(Outcome.CANCELLED);
            }
            outbound.clear();
            dropped = new ArrayList<>(inFlight.values());
        }
        for (InferenceRequest r : dropped) {
            if (r.entry() != null && service.unqueue(r)) {
                r.cancel();
            }
        }
        service.streamEnded(this);
    }

    /** Answers buffered for a slow reader now (for tests and diagnostics). */
    int bufferedResponses() {
        synchronized (lock) {
            return outbound.size();
        }
    }
}
