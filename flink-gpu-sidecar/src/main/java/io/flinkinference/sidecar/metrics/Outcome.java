package io.flinkinference.sidecar.metrics;

/**
 * How a request ended. Every received request ends in exactly one outcome, so {@code
 * requestsReceived = requestsSucceeded + requestsRejected + requestsExpired + requestsFailed +
 * requestsCancelled + inFlightRequests} holds at every quiescent point.
 */
public enum Outcome {
    /** Answered with a result payload. */
    SUCCEEDED,
    /**
     * Answered without running because there was no room or the server is stopping: {@code
     * RESOURCE_EXHAUSTED} (queue or stream in-flight limit full) and {@code UNAVAILABLE}.
     */
    REJECTED,
    /** Answered {@code DEADLINE_EXCEEDED}: waited in the queue until its deadline. */
    EXPIRED,
    /**
     * Answered with any other error: {@code INVALID_ARGUMENT} (duplicate id, undecodable payload),
     * {@code NOT_FOUND} (unknown model), {@code INTERNAL} (backend failure), ...
     */
    FAILED,
    /** Never answered because its stream was cancelled or broke first. */
    CANCELLED
}
