package io.flinkinference.asyncbatch.batching;

import org.apache.flink.streaming.runtime.tasks.ProcessingTimeService;
import org.apache.flink.util.function.ThrowingRunnable;

import java.util.concurrent.ScheduledFuture;

/**
 * The processing-time timer that sends a partial batch once its oldest record has waited {@code
 * maxBatchDelay}.
 *
 * <p>The timer is re-armed lazily: at most one timer is registered with Flink's timer service at a
 * time, and it is not cancelled when a batch leaves. When it fires it compares the deadline of the
 * batch buffered <i>now</i> with the current time: if that batch is due, {@code onExpiry} runs; if
 * it is not due yet (the timer belonged to an earlier batch), the timer is registered again for the
 * current batch's deadline; if nothing is buffered, nothing happens. So a stale timer can never cut
 * a newer batch short, and a stream of batches that fill by size costs one timer registration per
 * {@code maxBatchDelay} instead of one registration and one cancellation per batch. (Registering a
 * timer that becomes the earliest wakes Flink's timer thread, which at millions of records per
 * second was the operator's largest single cost.)
 *
 * <p>Not thread-safe: {@link #batchStarted}, {@link #batchLeft}, {@link #close} and the callback
 * all run on the task (mailbox) thread.
 */
public final class BatchFlushTimer {

    private static final long NO_DEADLINE = Long.MAX_VALUE;

    private final ProcessingTimeService timeService;
    private final long delayMillis;
    private final ThrowingRunnable<Exception> onExpiry;

    /** When the buffered batch is due; {@link #NO_DEADLINE} while nothing is buffered. */
    private long deadline = NO_DEADLINE;

    /** The timer registered with the time service, and the time it was registered for. */
    private ScheduledFuture<?> registered;

    private long registeredFor;

    /**
     * @param delayMillis how long the oldest record may wait; 0 disables the timer
     * @param onExpiry called on the task thread when the buffered batch has waited long enough
     */
    public BatchFlushTimer(
            ProcessingTimeService timeService,
            long delayMillis,
            ThrowingRunnable<Exception> onExpiry) {
        this.timeService = timeService;
        this.delayMillis = delayMillis;
        this.onExpiry = onExpiry;
    }

    /** A new batch started with a record that arrived at {@code firstArrivalMillis}. */
    public void batchStarted(long firstArrivalMillis) {
        if (!isEnabled()) {
            return;
        }
        deadline = firstArrivalMillis + delayMillis;
        // A registered timer is an earlier batch's and fires no later than this deadline, unless
        // the wall clock stepped back; then register one that fires in time.
        if (registered == null || registeredFor > deadline) {
            register(deadline);
        }
    }

    /**
     * The buffered batch left (full, watermark, end of input, or expiry). The registered timer
     * stays; when it fires it finds nothing due.
     */
    public void batchLeft() {
        deadline = NO_DEADLINE;
    }

    /** Whether batches have a deadline at all ({@code maxBatchDelay > 0}). */
    public boolean isEnabled() {
        return delayMillis > 0;
    }

    /** Cancels the registered timer; for operator close. */
    public void close() {
        deadline = NO_DEADLINE;
        if (registered != null) {
            registered.cancel(false);
            registered = null;
        }
    }

    private void register(long time) {
        if (registered != null) {
            registered.cancel(false);
        }
        registeredFor = time;
        registered = timeService.registerTimer(time, this::fire);
    }

    private void fire(long timerTime) throws Exception {
        if (timerTime != registeredFor) {
            return; // a timer replaced after the wall clock stepped back
        }
        registered = null;
        if (deadline == NO_DEADLINE) {
            return;
        }
        long now = Math.max(timerTime, timeService.getCurrentProcessingTime());
        if (deadline <= now) {
            deadline = NO_DEADLINE;
            onExpiry.run();
        } else {
            register(deadline);
        }
    }
}
