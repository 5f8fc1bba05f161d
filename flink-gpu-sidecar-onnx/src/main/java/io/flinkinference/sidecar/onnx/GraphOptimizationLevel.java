package io.flinkinference.sidecar.onnx;

import ai.onnxruntime.OrtSession.SessionOptions.OptLevel;

/**
 * The values of {@code sidecar.onnx.graph-optimization-level} and their ONNX Runtime levels.
 * Immutable; {@link #fromConfig} throws {@link IllegalArgumentException} listing the accepted
 * values.
 */
public enum GraphOptimizationLevel {
    DISABLED("disabled", OptLevel.NO_OPT),
    BASIC("basic", OptLevel.BASIC_OPT),
    EXTENDED("extended", OptLevel.EXTENDED_OPT),
    ALL("all", OptLevel.ALL_OPT);

    private final String configValue;
    private final OptLevel ortLevel;

    GraphOptimizationLevel(String configValue, OptLevel ortLevel) {
        this.configValue = configValue;
        this.ortLevel = ortLevel;
    }

    public String configValue() {
        return configValue;
    }

    OptLevel ortLevel() {
        return ortLevel;
    }

    /**
     * Parses a {@code sidecar.onnx.graph-optimization-level} value.
     *
     * @throws IllegalArgumentException naming the accepted values
     */
    public static GraphOptimizationLevel fromConfig(String value) {
        return ConfigValues.parse(
                OnnxOptions.GRAPH_OPTIMIZATION_LEVEL.key(),
                value,
                values(),
                GraphOptimizationLevel::configValue);
    }
}
