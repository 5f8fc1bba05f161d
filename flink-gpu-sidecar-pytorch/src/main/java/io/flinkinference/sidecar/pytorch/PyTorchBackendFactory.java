package io.flinkinference.sidecar.pytorch;

import io.flinkinference.sidecar.backend.InferenceBackend;
import io.flinkinference.sidecar.backend.InferenceBackendFactory;

import org.apache.flink.configuration.ConfigOption;

import java.util.Set;

/**
 * Registers the {@code pytorch} backend with the sidecar (listed in {@code
 * META-INF/services/io.flinkinference.sidecar.backend.InferenceBackendFactory}). Stateless and
 * thread-safe.
 */
public final class PyTorchBackendFactory implements InferenceBackendFactory {

    @Override
    public String name() {
        return PyTorchBackend.NAME;
    }

    @Override
    public Set<ConfigOption<?>> options() {
        return PyTorchOptions.all();
    }

    @Override
    public InferenceBackend create() {
        return new PyTorchBackend();
    }
}
