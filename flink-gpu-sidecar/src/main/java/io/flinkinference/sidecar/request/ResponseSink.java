package io.flinkinference.sidecar.request;

import io.flinkinference.sidecar.api.v1.InferResponse;
import io.flinkinference.sidecar.metrics.Outcome;

/**
 * Where the answer of an {@link InferenceRequest} goes: the request's stream. Called exactly once
 * per request, from any thread; implementations must be thread-safe.
 */
public interface ResponseSink {

    /**
     * Delivers the answer of {@code request}.
     *
     * @param response the answer, or {@code null} for {@link Outcome#CANCELLED} (nothing to send)
     */
    void answer(InferenceRequest request, InferResponse response, Outcome outcome);
}
