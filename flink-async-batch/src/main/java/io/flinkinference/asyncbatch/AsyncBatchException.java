package io.flinkinference.asyncbatch;

/** A batch failed for good: its retries, if any, were exhausted, and the task fails with it. */
public class AsyncBatchException extends Exception {

    private static final long serialVersionUID = 1L;

    public AsyncBatchException(String message, Throwable cause) {
        super(message, cause);
    }
}
