package io.flinkinference.e2e.cluster;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.locks.LockSupport;

/**
 * Polls a condition until it holds or a deadline passes. Used where nothing can signal (another
 * process's REST API, log or files): the poll interval is short and the deadline bounds every wait,
 * so no test can hang.
 */
public final class Deadline {

    private static final long POLL_NANOS = Duration.ofMillis(100).toNanos();

    private final long deadlineNanos;
    private final Duration timeout;

    private Deadline(Duration timeout) {
        this.timeout = timeout;
        this.deadlineNanos = System.nanoTime() + timeout.toNanos();
    }

    public static Deadline of(Duration timeout) {
        return new Deadline(timeout);
    }

    public boolean passed() {
        return System.nanoTime() - deadlineNanos >= 0;
    }

    /**
     * Calls {@code condition} every 100 ms until it returns true. Exceptions other than {@link
     * IllegalStateException} count as "not yet" (e.g. a REST endpoint that is not up yet).
     *
     * @throws IllegalStateException when the deadline passes, naming {@code what}
     */
    public void await(String what, Callable<Boolean> condition) {
        Exception last = null;
        while (true) {
            try {
                if (Boolean.TRUE.equals(condition.call())) {
                    return;
                }
            } catch (IllegalStateException e) {
                throw e;
            } catch (Exception e) {
                last = e;
            }
            if (passed()) {
                IllegalStateException timedOut =
                        new IllegalStateException(
                                "Gave up waiting for " + what + " after " + timeout);
                if (last != null) {
                    timedOut.addSuppressed(last);
                }
                throw timedOut;
            }
            LockSupport.parkNanos(POLL_NANOS);
            if (Thread.interrupted()) {
                throw new IllegalStateException("interrupted while waiting for " + what);
            }
        }
    }
}
