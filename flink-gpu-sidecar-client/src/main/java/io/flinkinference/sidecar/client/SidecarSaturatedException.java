package io.flinkinference.sidecar.client;

import java.time.Duration;

/**
 * The sidecar kept answering {@code RESOURCE_EXHAUSTED} for an item for longer than the client's
 * retry budget ({@code sidecar.client.retry.max-duration}).
 */
public class SidecarSaturatedException extends SidecarClientException {

    private static final long serialVersionUID = 1L;

    private final Duration retriedFor;

    public SidecarSaturatedException(String message, Duration retriedFor) {
        super(message);
        this.retriedFor = retriedFor;
    }

    /** How long the item was retried before the client gave up. */
    public Duration getRetriedFor() {
        return retriedFor;
    }
}
