package io.flinkinference.sidecar.onnx;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession.SessionOptions;

import java.util.Set;
import java.util.TreeSet;

/**
 * The values of {@code sidecar.onnx.execution-provider} and how each is attached to a session.
 *
 * <p>Failure semantics: asking for a provider that the ONNX Runtime build on the class path does
 * not contain, or that cannot start (no GPU, no CUDA libraries), fails at once with an {@link
 * IllegalStateException} that says what is missing; the backend never falls back to the CPU
 * silently.
 */
public enum ExecutionProvider {
    CPU("cpu", OrtProvider.CPU),
    CUDA("cuda", OrtProvider.CUDA),
    TENSORRT("tensorrt", OrtProvider.TENSOR_RT);

    private final String configValue;
    private final OrtProvider ortProvider;

    ExecutionProvider(String configValue, OrtProvider ortProvider) {
        this.configValue = configValue;
        this.ortProvider = ortProvider;
    }

    public String configValue() {
        return configValue;
    }

    /**
     * Parses a {@code sidecar.onnx.execution-provider} value.
     *
     * @throws IllegalArgumentException naming the accepted values
     */
    public static ExecutionProvider fromConfig(String value) {
        return ConfigValues.parse(
                OnnxOptions.EXECUTION_PROVIDER.key(),
                value,
                values(),
                ExecutionProvider::configValue);
    }

    /**
     * Adds this provider to the session options (CPU is always there as ONNX Runtime's fallback for
     * operators a GPU provider does not cover).
     *
     * @param available the providers of the ONNX Runtime build in use ({@code
     *     OrtEnvironment.getAvailableProviders()})
     * @throws IllegalStateException if the build lacks the provider or the provider cannot start
     */
    void attach(SessionOptions options, int deviceId, Set<OrtProvider> available) {
        if (this == CPU) {
            return;
        }
        if (!available.contains(ortProvider)) {
            Set<String> names = new TreeSet<>();
            available.forEach(p -> names.add(p.getName()));
            throw new IllegalStateException(
                    OnnxOptions.EXECUTION_PROVIDER.key()
                            + " = '"
                            + configValue
                            + "', but the ONNX Runtime on the class path has no "
                            + ortProvider.getName()
                            + " (it offers "
                            + names
                            + "). The CPU artifact com.microsoft.onnxruntime:onnxruntime cannot"
                            + " use a GPU: build flink-gpu-sidecar-onnx with -Pgpu"
                            + " (com.microsoft.onnxruntime:onnxruntime_gpu) and run it on a machine"
                            + " with an NVIDIA GPU, its driver, CUDA 12 and cuDNN 9, or set '"
                            + CPU.configValue
                            + "'.");
        }
        try {
            if (this == TENSORRT) {
                options.addTensorrt(deviceId);
            }
            // CUDA also backs TensorRT for the subgraphs TensorRT does not take.
            options.addCUDA(deviceId);
        } catch (OrtException | RuntimeException e) {
            throw new IllegalStateException(
                    OnnxOptions.EXECUTION_PROVIDER.key()
                            + " = '"
                            + configValue
                            + "' could not start on GPU "
                            + deviceId
                            + " (is there an NVIDIA GPU, and are its driver, CUDA 12 and cuDNN 9"
                            + " libraries on the library path?): "
                            + e.getMessage(),
                    e);
        }
    }
}
