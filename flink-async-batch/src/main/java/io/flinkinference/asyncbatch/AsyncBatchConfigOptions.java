package io.flinkinference.asyncbatch;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

import java.time.Duration;

/**
 * The {@link ConfigOption}s of the async batch operator. They define the defaults of {@link
 * AsyncBatchOptions.Builder}, and let a job read its settings from a Flink configuration with
 * {@link AsyncBatchOptions#fromConfiguration}.
 */
public final class AsyncBatchConfigOptions {

    public static final ConfigOption<Integer> MAX_BATCH_SIZE =
            ConfigOptions.key("async-batch.max-batch-size")
                    .intType()
                    .defaultValue(32)
                    .withDescription(
                            "The largest number of records sent in one call of asyncInvokeBatch. "
                                    + "A batch leaves as soon as it reaches this size.");

    public static final ConfigOption<Duration> MAX_BATCH_DELAY =
            ConfigOptions.key("async-batch.max-batch-delay")
                    .durationType()
                    .defaultValue(Duration.ofMillis(10))
                    .withDescription(
                            "The longest time the oldest buffered record waits for its batch to "
                                    + "fill (processing time). 0 means batches leave only when "
                                    + "full, at a watermark or at end of input.");

    public static final ConfigOption<Integer> MAX_IN_FLIGHT_BATCHES =
            ConfigOptions.key("async-batch.max-in-flight-batches")
                    .intType()
                    .defaultValue(4)
                    .withDescription(
                            "The most batches whose results have not been emitted yet. When "
                                    + "reached, the operator stops taking input (backpressure) "
                                    + "until a batch is emitted.");

    public static final ConfigOption<Duration> TIMEOUT =
            ConfigOptions.key("async-batch.timeout")
                    .durationType()
                    .noDefaultValue()
                    .withDescription(
                            "How long a batch may take from dispatch to completion, retries "
                                    + "included, before AsyncBatchFunction#timeout is called. "
                                    + "Unset means no timeout.");

    public static final ConfigOption<Integer> RECORD_LATENCY_SAMPLE_INTERVAL =
            ConfigOptions.key("async-batch.metrics.record-latency-sample-interval")
                    .intType()
                    .defaultValue(8)
                    .withDescription(
                            "The recordLatencyMs histogram measures one record in this many, "
                                    + "chosen at random (1 measures every record). Measuring a "
                                    + "record reads the clock when it arrives, which at millions "
                                    + "of records per second is a large part of the operator's "
                                    + "cost.");

    private AsyncBatchConfigOptions() {}
}
