package io.flinkinference.asyncbatch;

import org.apache.flink.configuration.ReadableConfig;

import javax.annotation.Nullable;

import java.io.Serializable;
import java.time.Duration;
import java.util.Optional;

/**
 * The settings of one {@link AsyncBatchWaitOperator}: how batches are formed, how many may be in
 * flight, and how slow or failed batches are handled. Immutable.
 *
 * <p>Example:
 *
 * <pre>{@code
 * AsyncBatchOptions options = AsyncBatchOptions.builder()
 *         .maxBatchSize(64)
 *         .maxBatchDelay(Duration.ofMillis(5))
 *         .maxInFlightBatches(8)
 *         .timeout(Duration.ofSeconds(2))
 *         .retryStrategy(AsyncBatchRetryStrategies.<float[]>fixedDelay(3, Duration.ofMillis(100))
 *                 .ifException(e -> e instanceof java.io.IOException)
 *                 .build())
 *         .build();
 * }</pre>
 *
 * <p>Defaults come from {@link AsyncBatchConfigOptions}.
 */
public final class AsyncBatchOptions implements Serializable {

    private static final long serialVersionUID = 1L;

    private final int maxBatchSize;
    private final Duration maxBatchDelay;
    private final int maxInFlightBatches;
    @Nullable private final Duration timeout;
    private final AsyncBatchRetryStrategy<?> retryStrategy;
    private final int recordLatencySampleInterval;

    private AsyncBatchOptions(Builder builder) {
        this.maxBatchSize = builder.maxBatchSize;
        this.maxBatchDelay = builder.maxBatchDelay;
        this.maxInFlightBatches = builder.maxInFlightBatches;
        this.timeout = builder.timeout;
        this.retryStrategy = builder.retryStrategy;
        this.recordLatencySampleInterval = builder.recordLatencySampleInterval;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The options in {@code config}, with the defaults of {@link AsyncBatchConfigOptions}. */
    public static AsyncBatchOptions fromConfiguration(ReadableConfig config) {
        Builder builder =
                builder()
                        .maxBatchSize(config.get(AsyncBatchConfigOptions.MAX_BATCH_SIZE))
                        .maxBatchDelay(config.get(AsyncBatchConfigOptions.MAX_BATCH_DELAY))
                        .maxInFlightBatches(
                                config.get(AsyncBatchConfigOptions.MAX_IN_FLIGHT_BATCHES))
                        .recordLatencySampleInterval(
                                config.get(AsyncBatchConfigOptions.RECORD_LATENCY_SAMPLE_INTERVAL));
        config.getOptional(AsyncBatchConfigOptions.TIMEOUT).ifPresent(builder::timeout);
        return builder.build();
    }

    public int getMaxBatchSize() {
        return maxBatchSize;
    }

    /** Zero means size-only batching. */
    public Duration getMaxBatchDelay() {
        return maxBatchDelay;
    }

    public int getMaxInFlightBatches() {
        return maxInFlightBatches;
    }

    /** Empty means no timeout. */
    public Optional<Duration> getTimeout() {
        return Optional.ofNullable(timeout);
    }

    /** The {@code recordLatencyMs} histogram measures one record in this many, at random. */
    public int getRecordLatencySampleInterval() {
        return recordLatencySampleInterval;
    }

    @SuppressWarnings("unchecked")
    public <OUT> AsyncBatchRetryStrategy<OUT> getRetryStrategy() {
        return (AsyncBatchRetryStrategy<OUT>) retryStrategy;
    }

    @Override
    public String toString() {
        return "AsyncBatchOptions{maxBatchSize="
                + maxBatchSize
                + ", maxBatchDelay="
                + maxBatchDelay
                + ", maxInFlightBatches="
                + maxInFlightBatches
                + ", timeout="
                + (timeout == null ? "none" : timeout)
                + ", retryStrategy="
                + retryStrategy
                + ", recordLatencySampleInterval="
                + recordLatencySampleInterval
                + '}';
    }

    /** Builds {@link AsyncBatchOptions}; {@link #build()} validates every setting. */
    public static final class Builder {
        private int maxBatchSize = AsyncBatchConfigOptions.MAX_BATCH_SIZE.defaultValue();
        private Duration maxBatchDelay = AsyncBatchConfigOptions.MAX_BATCH_DELAY.defaultValue();
        private int maxInFlightBatches =
                AsyncBatchConfigOptions.MAX_IN_FLIGHT_BATCHES.defaultValue();
        @Nullable private Duration timeout;
        private AsyncBatchRetryStrategy<?> retryStrategy = AsyncBatchRetryStrategies.noRetry();
        private int recordLatencySampleInterval =
                AsyncBatchConfigOptions.RECORD_LATENCY_SAMPLE_INTERVAL.defaultValue();

        private Builder() {}

        /** The largest batch; at least 1. */
        public Builder maxBatchSize(int maxBatchSize) {
            this.maxBatchSize = maxBatchSize;
            return this;
        }

        /** How long the oldest buffered record may wait; zero means size-only batching. */
        public Builder maxBatchDelay(Duration maxBatchDelay) {
            this.maxBatchDelay = maxBatchDelay;
            return this;
        }

        /** The most batches in flight at once; at least 1. */
        public Builder maxInFlightBatches(int maxInFlightBatches) {
            this.maxInFlightBatches = maxInFlightBatches;
            return this;
        }

        /** Per-batch timeout from dispatch to completion, retries included; {@code null}: none. */
        public Builder timeout(@Nullable Duration timeout) {
            this.timeout = timeout;
            return this;
        }

        public Builder retryStrategy(AsyncBatchRetryStrategy<?> retryStrategy) {
            this.retryStrategy = retryStrategy;
            return this;
        }

        /**
         * The {@code recordLatencyMs} histogram measures one record in {@code interval}, chosen at
         * random; 1 measures every record. At least 1.
         */
        public Builder recordLatencySampleInterval(int interval) {
            this.recordLatencySampleInterval = interval;
            return this;
        }

        /**
         * @throws IllegalArgumentException naming the option and the value, for a setting that
         *     makes no sense
         */
        public AsyncBatchOptions build() {
            check(maxBatchSize >= 1, "maxBatchSize must be at least 1, got " + maxBatchSize);
            check(
                    maxInFlightBatches >= 1,
                    "maxInFlightBatches must be at least 1, got " + maxInFlightBatches);
            check(maxBatchDelay != null, "maxBatchDelay must not be null (use Duration.ZERO)");
            check(
                    !maxBatchDelay.isNegative(),
                    "maxBatchDelay must not be negative, got " + maxBatchDelay);
            check(
                    timeout == null || (!timeout.isNegative() && !timeout.isZero()),
                    "timeout must be positive (or null for none), got " + timeout);
            check(
                    retryStrategy != null,
                    "retryStrategy must not be null (use AsyncBatchRetryStrategies.noRetry())");
            check(
                    recordLatencySampleInterval >= 1,
                    "recordLatencySampleInterval must be at least 1, got "
                            + recordLatencySampleInterval);
            return new AsyncBatchOptions(this);
        }

        private static void check(boolean condition, String message) {
            if (!condition) {
                throw new IllegalArgumentException(message);
            }
        }
    }
}
