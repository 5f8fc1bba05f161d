package io.flinkinference.sidecar.client;

import java.io.IOException;

/** The base of every error the sidecar client fails a batch with. */
public class SidecarClientException extends IOException {

    private static final long serialVersionUID = 1L;

    public SidecarClientException(String message) {
        super(message);
    }

    public SidecarClientException(String message, Throwable cause) {
        super(message, cause);
    }
}
