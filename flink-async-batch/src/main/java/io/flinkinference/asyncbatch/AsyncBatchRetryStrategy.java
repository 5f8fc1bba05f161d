package io.flinkinference.asyncbatch;

import java.io.Serializable;
import java.util.Collection;

/**
 * Decides whether a completed batch is tried again, and after how long. Ready-made strategies are
 * in {@link AsyncBatchRetryStrategies}.
 *
 * <p>A retry re-sends the same inputs to {@link AsyncBatchFunction#asyncInvokeBatch}. The
 * operator's timeout covers all attempts of a batch together: when it fires, pending retries are
 * cancelled and {@link AsyncBatchFunction#timeout} is called once.
 *
 * <p>Implementations must be serializable and stateless: one instance serves every batch.
 *
 * @param <OUT> output type of the batch function
 */
public interface AsyncBatchRetryStrategy<OUT> extends Serializable {

    /**
     * @param attemptsSoFar calls made for this batch so far (1 after the first call)
     * @return whether another attempt may be made
     */
    boolean canRetry(int attemptsSoFar);

    /**
     * @param attemptsSoFar calls made for this batch so far (1 after the first call)
     * @return milliseconds to wait before the next attempt
     */
    long backoffMillis(int attemptsSoFar);

    /** Whether a batch that completed with these results should be tried again. */
    boolean shouldRetryOnResult(Collection<OUT> results);

    /** Whether a batch that failed with this error should be tried again. */
    boolean shouldRetryOnException(Throwable error);
}
