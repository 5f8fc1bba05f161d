package io.flinkinference.asyncbatch.batching;

import org.apache.flink.streaming.runtime.tasks.ProcessingTimeService;
import org.apache.flink.util.function.ThrowingRunnable;

import java.util.concurrent.ScheduledFuture;

/**
 * The single processing-time timer that sends a partial batch once its oldest record has waited
 * {@code maxBatchDelay}.
 *
 * <p>At most one timer is armed at a time. Whenever a batch leaves, for whatever reason, the timer
 * is {@linkplain #cancel() cancelled}. Cancelling a {@link ScheduledFuture} does not stop a
 * callback that has already been handed to the mailbox, so every arming gets a generation number
 * and a callback of an older generation does nothing: a stale timer can never cut a newer batch
 * short.
 *
 * <p>Not thread-safe: arm, cancel and the callback all run on the task (mailbox) thread.
 */
public final class BatchFlushTimer {

    private final ProcessingTimeService timeService;
    private final long delayMillis;
    private final ThrowingRunnable<Exception> onExpiry;

    private ScheduledFuture<?> timer;
    private long generation;

    /**
     * @param delayMillis how long the oldest record may wait; 0 disables the timer
     * @param onExpiry called on the task thread when the current batch has waited long enough
     */
    public BatchFlushTimer(
            ProcessingTimeService timeService,
            long delayMillis,
            ThrowingRunnable<Exception> onExpiry) {
        this.timeService = timeService;
        this.delayMillis = delayMillis;
        this.onExpiry = onExpiry;
    }

    /** Arms the timer for a batch whose first record arrived at {@code firstArrivalMillis}. */
    public void arm(long firstArrivalMillis) {
        if (delayMillis <= 0) {
            return;
        }
        cancel();
        final long armedGeneration = generation;
        timer =
                timeService.registerTimer(
                        firstArrivalMillis + delayMillis, timestamp -> fire(armedGeneration));
    }

    /** Disarms the timer; a callback already queued will find itself stale and do nothing. */
    public void cancel() {
        generation++;
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    public boolean isArmed() {
        return timer != null;
    }

    private void fire(long firedGeneration) throws Exception {
        if (firedGeneration != generation) {
            return;
        }
        timer = null;
        onExpiry.run();
    }
}
