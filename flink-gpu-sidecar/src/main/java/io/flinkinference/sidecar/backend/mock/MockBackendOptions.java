package io.flinkinference.sidecar.backend.mock;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

import java.time.Duration;

/** Options of the {@code mock} backend. Constants; thread-safe. */
public final class MockBackendOptions {

    /** Simulated latency of every backend call. */
    public static final ConfigOption<Duration> LATENCY_FIXED =
            ConfigOptions.key("sidecar.mock.latency.fixed")
                    .durationType()
                    .defaultValue(Duration.ZERO)
                    .withDescription(
                            "mock backend: latency of every batch call, added to"
                                    + " sidecar.mock.latency.per-item × batch size (slept, not spun).");

    /** Simulated latency per item of a call. */
    public static final ConfigOption<Duration> LATENCY_PER_ITEM =
            ConfigOptions.key("sidecar.mock.latency.per-item")
                    .durationType()
                    .defaultValue(Duration.ZERO)
                    .withDescription("mock backend: latency added per item of a batch call.");

    /** The name the mock model is served under. */
    public static final ConfigOption<String> MODEL_NAME =
            ConfigOptions.key("sidecar.mock.model-name")
                    .stringType()
                    .defaultValue(MockBackend.DEFAULT_MODEL_NAME)
                    .withDescription(
                            "mock backend: the model name it serves (requests may also use \"\").");

    private MockBackendOptions() {}
}
