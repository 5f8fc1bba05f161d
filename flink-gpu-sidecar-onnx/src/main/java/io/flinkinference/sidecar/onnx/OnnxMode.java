package io.flinkinference.sidecar.onnx;

/**
 * The payload interpretations of the {@code onnx} backend ({@code sidecar.onnx.mode}). Immutable;
 * {@link #fromConfig} throws {@link IllegalArgumentException} listing the accepted values.
 */
public enum OnnxMode {
    /** Payload = one item's input tensor; result = that item's slice of the first output. */
    TENSOR("tensor"),
    /** Payload = UTF-8 text; result = its L2-normalised, mean-pooled float32 embedding. */
    TEXT_EMBEDDING("text-embedding");

    private final String configValue;

    OnnxMode(String configValue) {
        this.configValue = configValue;
    }

    /** The spelling used in configuration and in {@code ModelInfo.mode}. */
    public String configValue() {
        return configValue;
    }

    /**
     * Parses a {@code sidecar.onnx.mode} value.
     *
     * @throws IllegalArgumentException naming the accepted values
     */
    public static OnnxMode fromConfig(String value) {
        return ConfigValues.parse(OnnxOptions.MODE.key(), value, values(), OnnxMode::configValue);
    }
}
