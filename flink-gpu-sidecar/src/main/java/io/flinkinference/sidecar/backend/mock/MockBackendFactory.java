package io.flinkinference.sidecar.backend.mock;

import io.flinkinference.sidecar.backend.InferenceBackend;
import io.flinkinference.sidecar.backend.InferenceBackendFactory;

import org.apache.flink.configuration.ConfigOption;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Creates {@link MockBackend}s; selected by {@code sidecar.backend: mock}. Thread-safe. */
public final class MockBackendFactory implements InferenceBackendFactory {

    /** The value of {@code sidecar.backend} that selects the mock. */
    public static final String NAME = "mock";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Set<ConfigOption<?>> options() {
        return new LinkedHashSet<>(
                List.of(
                        MockBackendOptions.LATENCY_FIXED,
                        MockBackendOptions.LATENCY_PER_ITEM,
                        MockBackendOptions.MODEL_NAME));
    }

    @Override
    public InferenceBackend create() {
        return new MockBackend();
    }
}
