package io.flinkinference.sidecar.onnx;

import io.flinkinference.sidecar.backend.InferenceBackend;
import io.flinkinference.sidecar.backend.InferenceBackendFactory;

import org.apache.flink.configuration.ConfigOption;

import java.util.Set;

/**
 * Registers the {@code onnx} backend with the sidecar (listed in {@code
 * META-INF/services/io.flinkinference.sidecar.backend.InferenceBackendFactory}). Stateless and
 * thread-safe.
 */
public final class OnnxBackendFactory implements InferenceBackendFactory {

    @Override
    public String name() {
        return OnnxBackend.NAME;
    }

    @Override
    public Set<ConfigOption<?>> options() {
        return OnnxOptions.all();
    }

    @Override
    public InferenceBackend create() {
        return new OnnxBackend();
    }
}
