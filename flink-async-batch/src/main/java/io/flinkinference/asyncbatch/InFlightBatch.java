package io.flinkinference.asyncbatch;

import io.flinkinference.asyncbatch.batching.BufferedBatch;
import io.flinkinference.asyncbatch.queue.BatchResultQueue;

import java.util.Collection;
import java.util.List;
import java.util.concurrent.ScheduledFuture;

/**
 * One batch from dispatch until its results are emitted: its inputs, its attempts, its timers and
 * its results. Mutated on the task thread only.
 *
 * <p>Every call of the user function (an attempt, or the timeout handler) gets its own attempt
 * number. Only a completion of the current attempt counts; completions of an earlier attempt, or of
 * any attempt once the timeout handler has been called, are ignored. This is what keeps a timeout
 * racing a retry from either dropping the batch or completing it twice.
 */
final class InFlightBatch<IN, OUT> implements BatchResultQueue.Entry {

    /** Attempt number given to the future handed to {@link AsyncBatchFunction#timeout}. */
    static final int TIMEOUT_HANDLER_ATTEMPT = -1;

    private final BufferedBatch<IN> inputs;
    private final long dispatchMillis;

    private int attempts;
    private int currentAttempt;
    private boolean timedOut;
    private Collection<OUT> results;
    private ScheduledFuture<?> timeoutTimer;
    private ScheduledFuture<?> retryTimer;

    InFlightBatch(BufferedBatch<IN> inputs, long dispatchMillis) {
        this.inputs = inputs;
        this.dispatchMillis = dispatchMillis;
    }

    /** The inputs: values, timestamps, arrival times. */
    BufferedBatch<IN> inputs() {
        return inputs;
    }

    /** The input values as handed to the user function (unmodifiable, the same instance always). */
    List<IN> values() {
        return inputs.values();
    }

    int size() {
        return inputs.size();
    }

    long dispatchMillis() {
        return dispatchMillis;
    }

    int attempts() {
        return attempts;
    }

    /** Starts a new attempt and returns its number; earlier attempts become stale. */
    int startAttempt() {
        attempts++;
        currentAttempt = attempts;
        return currentAttempt;
    }

    /**
     * Marks the batch timed out: every attempt becomes stale and the timeout handler is current.
     */
    void startTimeoutHandling() {
        timedOut = true;
        currentAttempt = TIMEOUT_HANDLER_ATTEMPT;
        cancelRetryTimer();
    }

    boolean isTimedOut() {
        return timedOut;
    }

    /** Whether a completion of {@code attempt} is the one this batch is waiting for. */
    boolean isAwaiting(int attempt) {
        return results == null && attempt == currentAttempt;
    }

    void complete(Collection<OUT> batchResults) {
        this.results = batchResults;
        cancelTimers();
    }

    @Override
    public boolean isCompleted() {
        return results != null;
    }

    Collection<OUT> results() {
        return results;
    }

    void setTimeoutTimer(ScheduledFuture<?> timer) {
        this.timeoutTimer = timer;
    }

    void setRetryTimer(ScheduledFuture<?> timer) {
        this.retryTimer = timer;
    }

    void cancelTimers() {
        if (timeoutTimer != null) {
            timeoutTimer.cancel(false);
            timeoutTimer = null;
        }
        cancelRetryTimer();
    }

    private void cancelRetryTimer() {
        if (retryTimer != null) {
            retryTimer.cancel(false);
            retryTimer = null;
        }
    }

    @Override
    public String toString() {
        return "batch of " + inputs.size() + " records, attempt " + attempts;
    }
}
