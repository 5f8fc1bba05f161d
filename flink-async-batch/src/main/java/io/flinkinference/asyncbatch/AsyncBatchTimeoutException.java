package io.flinkinference.asyncbatch;

import javax.annotation.Nullable;

import java.time.Duration;
import java.util.concurrent.TimeoutException;

/** A batch did not complete within the operator's timeout, retries included. */
public class AsyncBatchTimeoutException extends TimeoutException {

    private static final long serialVersionUID = 1L;

    private final int batchSize;
    @Nullable private final Duration timeout;

    /**
     * @param batchSize the number of records in the batch
     * @param timeout the configured timeout, or {@code null} if unknown to the caller
     */
    public AsyncBatchTimeoutException(int batchSize, @Nullable Duration timeout) {
        super(
                "Async batch of "
                        + batchSize
                        + " records did not complete within "
                        + (timeout == null
                                ? "the configured timeout"
                                : "the timeout of " + timeout.toMillis() + " ms")
                        + " (retries included).");
        this.batchSize = batchSize;
        this.timeout = timeout;
    }

    public int getBatchSize() {
        return batchSize;
    }

    /** The configured timeout, or {@code null} if it was not known where this was raised. */
    @Nullable
    public Duration getTimeout() {
        return timeout;
    }
}
