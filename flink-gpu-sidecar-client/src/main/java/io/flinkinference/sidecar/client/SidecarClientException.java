package io.flinkinference.sidecar.client;

import java.io.IOException;

/**
 * The base of every error the sidecar client fails a batch with. Subclasses say which budget or
 * which item failed: {@link SidecarSaturatedException}, {@link SidecarUnavailableException}, {@link
 * SidecarItemException}. Immutable.
 *
 * <p>Example: an operator retry strategy that retries a batch the client gave up on because the
 * sidecar was saturated.
 *
 * <pre>{@code
 * AsyncBatchRetryStrategies.<float[]>fixedDelay(3, Duration.ofSeconds(1))
 *         .ifException(e -> e instanceof SidecarSaturatedException)
 *         .build();
 * }</pre>
 */
public class SidecarClientException extends IOException {

    private static final long serialVersionUID = 1L;

    public SidecarClientException(String message) {
        super(message);
    }

    public SidecarClientException(String message, Throwable cause) {
        super(message, cause);
    }
}
