package io.flinkinference.sidecar.testing;

import io.flinkinference.sidecar.backend.InferenceBackend;
import io.flinkinference.sidecar.backend.InferenceBackendFactory;

import org.apache.flink.configuration.ConfigOption;

import java.util.Set;

/** Registers {@link GatedBackend} as {@code sidecar.backend: gated} (test classpath only). */
public final class GatedBackendFactory implements InferenceBackendFactory {

    public static final String NAME = "gated";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Set<ConfigOption<?>> options() {
        return Set.of();
    }

    @Override
    public InferenceBackend create() {
        return new GatedBackend();
    }
}
