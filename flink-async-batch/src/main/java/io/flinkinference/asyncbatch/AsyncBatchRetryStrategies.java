package io.flinkinference.asyncbatch;

import java.io.Serializable;
import java.time.Duration;
import java.util.Collection;
import java.util.function.Predicate;

/**
 * Ready-made {@link AsyncBatchRetryStrategy}s: no retry, fixed delay and exponential backoff.
 *
 * <p>{@code maxAttempts} counts every call of a batch, the first included: {@code maxAttempts = 3}
 * means one call and at most two retries. A strategy retries only what its predicates accept; with
 * no predicate set it never retries.
 *
 * <p>Example:
 *
 * <pre>{@code
 * AsyncBatchRetryStrategy<String> strategy =
 *         AsyncBatchRetryStrategies.<String>exponentialBackoff(
 *                         5, Duration.ofMillis(50), Duration.ofSeconds(2), 2.0)
 *                 .ifException(e -> e instanceof java.io.IOException)
 *                 .ifResult(AsyncBatchRetryStrategies.emptyResult())
 *                 .build();
 * }</pre>
 */
public final class AsyncBatchRetryStrategies {

    private AsyncBatchRetryStrategies() {}

    /** A {@link Predicate} that is {@link Serializable}, so that lambdas can be shipped. */
    @FunctionalInterface
    public interface RetryPredicate<T> extends Predicate<T>, Serializable {}

    /** Never retries. */
    public static <OUT> AsyncBatchRetryStrategy<OUT> noRetry() {
        @SuppressWarnings("unchecked")
        AsyncBatchRetryStrategy<OUT> strategy = (AsyncBatchRetryStrategy<OUT>) NoRetry.INSTANCE;
        return strategy;
    }

    /** Retries after the same delay each time. */
    public static <OUT> Builder<OUT> fixedDelay(int maxAttempts, Duration delay) {
        return new Builder<>(maxAttempts, delay, delay, 1.0);
    }

    /**
     * Retries after {@code initialDelay}, then after delays multiplied by {@code multiplier} each
     * time, never longer than {@code maxDelay}.
     */
    public static <OUT> Builder<OUT> exponentialBackoff(
            int maxAttempts, Duration initialDelay, Duration maxDelay, double multiplier) {
        return new Builder<>(maxAttempts, initialDelay, maxDelay, multiplier);
    }

    /** Accepts an empty result collection: "the service returned nothing, try again". */
    public static <OUT> RetryPredicate<Collection<OUT>> emptyResult() {
        return Collection::isEmpty;
    }

    /** Accepts every exception. */
    public static RetryPredicate<Throwable> anyException() {
        return error -> true;
    }

    /** Builds a fixed-delay or exponential-backoff strategy. */
    public static final class Builder<OUT> {
        private final int maxAttempts;
        private final Duration initialDelay;
        private final Duration maxDelay;
        private final double multiplier;
        private RetryPredicate<Collection<OUT>> resultPredicate;
        private RetryPredicate<Throwable> exceptionPredicate;

        private Builder(
                int maxAttempts, Duration initialDelay, Duration maxDelay, double multiplier) {
            this.maxAttempts = maxAttempts;
            this.initialDelay = initialDelay;
            this.maxDelay = maxDelay;
            this.multiplier = multiplier;
        }

        /** Retry a batch whose results match. */
        public Builder<OUT> ifResult(RetryPredicate<Collection<OUT>> predicate) {
            this.resultPredicate = predicate;
            return this;
        }

        /** Retry a batch whose error matches. */
        public Builder<OUT> ifException(RetryPredicate<Throwable> predicate) {
            this.exceptionPredicate = predicate;
            return this;
        }

        /**
         * @throws IllegalArgumentException naming the setting, for a nonsensical one
         */
        public AsyncBatchRetryStrategy<OUT> build() {
            if (maxAttempts < 1) {
                throw new IllegalArgumentException(
                        "maxAttempts must be at least 1, got " + maxAttempts);
            }
            if (initialDelay == null || initialDelay.isNegative()) {
                throw new IllegalArgumentException(
                        "retry delay must not be negative, got " + initialDelay);
            }
            if (maxDelay == null || maxDelay.compareTo(initialDelay) < 0) {
                throw new IllegalArgumentException(
                        "maxDelay must be at least the initial delay "
                                + initialDelay
                                + ", got "
                                + maxDelay);
            }
            if (!(multiplier >= 1.0)) {
                throw new IllegalArgumentException(
                        "multiplier must be at least 1.0, got " + multiplier);
            }
            return new BackoffRetry<>(
                    maxAttempts,
                    initialDelay.toMillis(),
                    maxDelay.toMillis(),
                    multiplier,
                    resultPredicate,
                    exceptionPredicate);
        }
    }

    private enum NoRetry implements AsyncBatchRetryStrategy<Object> {
        INSTANCE;

        @Override
        public boolean canRetry(int attemptsSoFar) {
            return false;
        }

        @Override
        public long backoffMillis(int attemptsSoFar) {
            return 0;
        }

        @Override
        public boolean shouldRetryOnResult(Collection<Object> results) {
            return false;
        }

        @Override
        public boolean shouldRetryOnException(Throwable error) {
            return false;
        }

        @Override
        public String toString() {
            return "noRetry";
        }
    }

    private static final class BackoffRetry<OUT> implements AsyncBatchRetryStrategy<OUT> {
        private static final long serialVersionUID = 1L;

        private final int maxAttempts;
        private final long initialDelayMillis;
        private final long maxDelayMillis;
        private final double multiplier;
        private final RetryPredicate<Collection<OUT>> resultPredicate;
        private final RetryPredicate<Throwable> exceptionPredicate;

        private BackoffRetry(
                int maxAttempts,
                long initialDelayMillis,
                long maxDelayMillis,
                double multiplier,
                RetryPredicate<Collection<OUT>> resultPredicate,
                RetryPredicate<Throwable> exceptionPredicate) {
            this.maxAttempts = maxAttempts;
            this.initialDelayMillis = initialDelayMillis;
            this.maxDelayMillis = maxDelayMillis;
            this.multiplier = multiplier;
            this.resultPredicate = resultPredicate;
            this.exceptionPredicate = exceptionPredicate;
        }

        @Override
        public boolean canRetry(int attemptsSoFar) {
            return attemptsSoFar < maxAttempts;
        }

        @Override
        public long backoffMillis(int attemptsSoFar) {
            double delay =
                    initialDelayMillis * Math.pow(multiplier, Math.max(0, attemptsSoFar - 1));
            return (long) Math.min(delay, maxDelayMillis);
        }

        @Override
        public boolean shouldRetryOnResult(Collection<OUT> results) {
            return resultPredicate != null && resultPredicate.test(results);
        }

        @Override
        public boolean shouldRetryOnException(Throwable error) {
            return exceptionPredicate != null && exceptionPredicate.test(error);
        }

        @Override
        public String toString() {
            return "retry{maxAttempts="
                    + maxAttempts
                    + ", delay="
                    + initialDelayMillis
                    + "ms.."
                    + maxDelayMillis
                    + "ms x"
                    + multiplier
                    + '}';
        }
    }
}
