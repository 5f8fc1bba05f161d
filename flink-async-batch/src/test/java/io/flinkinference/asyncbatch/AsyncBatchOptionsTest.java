package io.flinkinference.asyncbatch;

import org.apache.flink.configuration.Configuration;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AsyncBatchOptionsTest {

    @Test
    void defaultsComeFromTheConfigOptions() {
        AsyncBatchOptions options = AsyncBatchOptions.builder().build();
        assertThat(options.getMaxBatchSize()).isEqualTo(32);
        assertThat(options.getMaxBatchDelay()).isEqualTo(Duration.ofMillis(10));
        assertThat(options.getMaxInFlightBatches()).isEqualTo(4);
        assertThat(options.getTimeout()).isEmpty();
        assertThat(options.<String>getRetryStrategy().canRetry(1)).isFalse();
        assertThat(options.getRecordLatencySampleInterval()).isEqualTo(8);
    }

    @Test
    void readsAFlinkConfiguration() {
        Configuration config = new Configuration();
        config.set(AsyncBatchConfigOptions.MAX_BATCH_SIZE, 64);
        config.set(AsyncBatchConfigOptions.MAX_BATCH_DELAY, Duration.ZERO);
        config.set(AsyncBatchConfigOptions.MAX_IN_FLIGHT_BATCHES, 8);
        config.set(AsyncBatchConfigOptions.TIMEOUT, Duration.ofSeconds(3));
        config.set(AsyncBatchConfigOptions.RECORD_LATENCY_SAMPLE_INTERVAL, 1);
        AsyncBatchOptions options = AsyncBatchOptions.fromConfiguration(config);
        assertThat(options.getMaxBatchSize()).isEqualTo(64);
        assertThat(options.getMaxBatchDelay()).isZero();
        assertThat(options.getMaxInFlightBatches()).isEqualTo(8);
        assertThat(options.getTimeout()).contains(Duration.ofSeconds(3));
        assertThat(options.getRecordLatencySampleInterval()).isEqualTo(1);
    }

    @Test
    void rejectsNonsenseNamingTheOptionAndTheValue() {
        assertThatThrownBy(() -> AsyncBatchOptions.builder().maxBatchSize(0).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxBatchSize")
                .hasMessageContaining("0");
        assertThatThrownBy(() -> AsyncBatchOptions.builder().maxInFlightBatches(-2).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxInFlightBatches")
                .hasMessageContaining("-2");
        assertThatThrownBy(
                        () ->
                                AsyncBatchOptions.builder()
                                        .maxBatchDelay(Duration.ofMillis(-1))
                                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxBatchDelay")
                .hasMessageContaining("PT-0.001S");
        assertThatThrownBy(() -> AsyncBatchOptions.builder().timeout(Duration.ZERO).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("timeout");
        assertThatThrownBy(() -> AsyncBatchOptions.builder().retryStrategy(null).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("retryStrategy");
        assertThatThrownBy(() -> AsyncBatchOptions.builder().recordLatencySampleInterval(0).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("recordLatencySampleInterval")
                .hasMessageContaining("0");
    }

    @Test
    void exponentialBackoffGrowsUpToItsMaximumAndStopsAtMaxAttempts() {
        AsyncBatchRetryStrategy<String> strategy =
                AsyncBatchRetryStrategies.<String>exponentialBackoff(
                                4, Duration.ofMillis(10), Duration.ofMillis(25), 2.0)
                        .ifException(AsyncBatchRetryStrategies.anyException())
                        .build();
        assertThat(strategy.backoffMillis(1)).isEqualTo(10);
        assertThat(strategy.backoffMillis(2)).isEqualTo(20);
        assertThat(strategy.backoffMillis(3)).isEqualTo(25);
        assertThat(strategy.canRetry(3)).isTrue();
        assertThat(strategy.canRetry(4)).isFalse();
        assertThat(strategy.shouldRetryOnException(new RuntimeException())).isTrue();
        assertThat(strategy.shouldRetryOnResult(java.util.List.of())).isFalse();
    }

    @Test
    void retryStrategyBuildersRejectNonsense() {
        assertThatThrownBy(() -> AsyncBatchRetryStrategies.fixedDelay(0, Duration.ZERO).build())
                .hasMessageContaining("maxAttempts");
        assertThatThrownBy(
                        () ->
                                AsyncBatchRetryStrategies.exponentialBackoff(
                                                3, Duration.ofMillis(10), Duration.ofMillis(5), 2)
                                        .build())
                .hasMessageContaining("maxDelay");
        assertThatThrownBy(
                        () ->
                                AsyncBatchRetryStrategies.exponentialBackoff(
                                                3, Duration.ofMillis(1), Duration.ofMillis(5), 0.5)
                                        .build())
                .hasMessageContaining("multiplier");
    }
}
