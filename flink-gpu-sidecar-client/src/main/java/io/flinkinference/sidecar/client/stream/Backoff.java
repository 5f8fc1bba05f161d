package io.flinkinference.sidecar.client.stream;

import java.util.concurrent.ThreadLocalRandom;

/** Exponential backoff with jitter. Stateless. */
final class Backoff {

    private Backoff() {}

    /** {@code initial * 2^attempt}, capped at {@code max}, stretched by jitter. */
    static long exponentialNanos(long initialNanos, long maxNanos, int attempt, double jitter) {
        double delay = initialNanos * Math.pow(2, Math.min(attempt, 30));
        return withJitter((long) Math.min(delay, maxNanos), jitter);
    }

    /** {@code nanos} stretched by a random factor in {@code [1, 1 + jitter)}. */
    static long withJitter(long nanos, double jitter) {
        if (jitter <= 0 || nanos <= 0) {
            return nanos;
        }
        return (long) (nanos * (1 + ThreadLocalRandom.current().nextDouble() * jitter));
    }
}
