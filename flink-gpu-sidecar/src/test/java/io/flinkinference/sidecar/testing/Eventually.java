package io.flinkinference.sidecar.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Waits for a condition that the server reaches asynchronously (e.g. after a client cancels),
 * checking it every few milliseconds until a deadline. Used only where the server offers no event
 * to wait on; the outcome never depends on the timing.
 */
public final class Eventually {

    private Eventually() {}

    public static void await(String what, BooleanSupplier condition) throws InterruptedException {
        await(what, condition, () -> "", Duration.ofSeconds(10));
    }

    public static void await(
            String what, BooleanSupplier condition, Supplier<String> state, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out waiting for " + what + " " + state.get());
            }
            Thread.onSpinWait();
            Thread.sleep(5);
        }
    }
}
