package io.flinkinference.sidecar.client;

import java.time.Duration;

/**
 * The sidecar could not be reached (or kept answering {@code UNAVAILABLE}) for longer than the
 * client's budget ({@code sidecar.client.reconnect.max-duration} or {@code
 * sidecar.client.retry.max-duration}).
 */
public class SidecarUnavailableException extends SidecarClientException {

    private static final long serialVersionUID = 1L;

    private final Duration unavailableFor;

    public SidecarUnavailableException(String message, Duration unavailableFor, Throwable cause) {
        super(message, cause);
        this.unavailableFor = unavailableFor;
    }

    /** How long the client tried before it gave up. */
    public Duration getUnavailableFor() {
        return unavailableFor;
    }
}
