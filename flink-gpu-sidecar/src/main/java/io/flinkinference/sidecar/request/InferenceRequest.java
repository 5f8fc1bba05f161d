package io.flinkinference.sidecar.request;

import io.flinkinference.sidecar.backend.ItemResult;
import io.flinkinference.sidecar.metrics.Outcome;
import io.flinkinference.sidecar.queue.BoundedRequestQueue;

import com.google.rpc.Code;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One accepted request on its way from its stream through the queue and the batcher back to its
 * stream.
 *
 * <p>Exactly-once: whichever of {@link #succeed}, {@link #fail}, {@link #reject}, {@link
 * #rejectExhausted}, {@link #expire} or {@link #cancel} is called first answers it; later calls do
 * nothing and return {@code false}. So a backend result racing a shutdown or an expiry can never
 * produce two answers. Thread-safe.
 */
public final class InferenceRequest {

    private final long requestId;
    private final byte[] payload;
    private final long receivedNanos;
    private final ResponseSink sink;
    private final AtomicBoolean answered = new AtomicBoolean();
    private volatile BoundedRequestQueue.Entry<InferenceRequest> entry;
    private volatile boolean executed;
    private volatile long waitLimitNanos;

    public InferenceRequest(long requestId, byte[] payload, long receivedNanos, ResponseSink sink) {
        this.requestId = requestId;
        this.payload = payload;
        this.receivedNanos = receivedNanos;
        this.sink = sink;
    }

    public long requestId() {
        return requestId;
    }

    public byte[] payload() {
        return payload;
    }

    /** {@link System#nanoTime()} when the server read it. */
    public long receivedNanos() {
        return receivedNanos;
    }

    /** Its queue entry once queued, else {@code null}. */
    public BoundedRequestQueue.Entry<InferenceRequest> entry() {
        return entry;
    }

    /** Records how long it may wait in the queue (for the expiry message); set before queueing. */
    public void waitLimit(long waitLimitNanos) {
        this.waitLimitNanos = waitLimitNanos;
    }

    /** Records where it waits, so that a cancelled stream can take it out. */
    public void queued(BoundedRequestQueue.Entry<InferenceRequest> entry) {
        this.entry = entry;
    }

    /** Marks it as handed to the backend. */
    public void markExecuted() {
        executed = true;
    }

    /** Whether it was handed to the backend. */
    public boolean executed() {
        return executed;
    }

    /** Whether it has been answered (or dropped) already. */
    public boolean isAnswered() {
        return answered.get();
    }

    /** Answers with the backend's result for this item. */
    public boolean complete(ItemResult result) {
        return result.isOk()
                ? succeed(result.payload())
                : fail(result.errorCode(), result.errorMessage());
    }

    /** Answers with a result payload. */
    public boolean succeed(byte[] result) {
        return answer(Responses.ok(requestId, result), Outcome.SUCCEEDED);
    }

    /** Answers with an error that counts as {@link Outcome#FAILED}. */
    public boolean fail(Code code, String message) {
        return answer(Responses.error(requestId, code, message), Outcome.FAILED);
    }

    /** Answers with an error that counts as {@link Outcome#REJECTED}, e.g. {@code UNAVAILABLE}. */
    public boolean reject(Code code, String message) {
        return answer(Responses.error(requestId, code, message), Outcome.REJECTED);
    }

    /** Answers {@code RESOURCE_EXHAUSTED} with a {@code RetryInfo} of {@code retryDelayNanos}. */
    public boolean rejectExhausted(String message, long retryDelayNanos) {
        return answer(
                Responses.resourceExhausted(requestId, message, retryDelayNanos), Outcome.REJECTED);
    }

    /** Answers {@code DEADLINE_EXCEEDED}: it waited in the queue until its deadline. */
    public boolean expire() {
        long waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - receivedNanos);
        return answer(
                Responses.error(
                        requestId,
                        Code.DEADLINE_EXCEEDED,
                        "waited "
                                + waitedMs
                                + " ms in the queue; the limit was "
                                + TimeUnit.NANOSECONDS.toMillis(waitLimitNanos)
                                + " ms (sidecar.queue.max-wait or the request's timeout_ms);"
                                + " it was not run"),
                Outcome.EXPIRED);
    }

    /** Drops it without an answer: its stream is gone. */
    public boolean cancel() {
        return answer(null, Outcome.CANCELLED);
    }

    private boolean answer(io.flinkinference.sidecar.api.v1.InferResponse response, Outcome o) {
        if (!answered.compareAndSet(false, true)) {
            return false;
        }
        sink.answer(this, response, o);
        return true;
    }

    @Override
    public String toString() {
        return "InferenceRequest{id=" + requestId + ", " + payload.length + " bytes}";
    }
}
