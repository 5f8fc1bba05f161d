package io.flinkinference.sidecar.pytorch;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The {@code sidecar.pytorch.*} options of the {@code pytorch} backend. A TorchScript file carries
 * no input signature, so the per-item input dtype and shape are configured; the output's are read
 * from a warm-up run at start-up. Constants only; thread-safe. A missing or invalid value makes
 * {@link PyTorchBackend#open} fail, naming the key.
 */
public final class PyTorchOptions {

    public static final ConfigOption<String> MODEL_PATH =
            ConfigOptions.key("sidecar.pytorch.model-path")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "The TorchScript model file (torch.jit.save output, .pt). Required.");

    public static final ConfigOption<String> INPUT_DTYPE =
            ConfigOptions.key("sidecar.pytorch.input-dtype")
                    .stringType()
                    .defaultValue("float32")
                    .withDescription(
                            "Element type of the model's single input: float32, float64, float16,"
                                    + " int8, uint8, int32, int64 or bool.");

    public static final ConfigOption<List<Integer>> INPUT_SHAPE =
            ConfigOptions.key("sidecar.pytorch.input-shape")
                    .intType()
                    .asList()
                    .noDefaultValue()
                    .withDescription(
                            "Per-item input shape, without the batch dimension, e.g. '3' or '2;3'."
                                    + " Required.");

    public static final ConfigOption<Integer> THREADS =
            ConfigOptions.key("sidecar.pytorch.threads")
                    .intType()
                    .defaultValue(0)
                    .withDescription(
                            "libtorch intra-op threads (ai.djl.pytorch.num_threads); 0 keeps"
                                    + " libtorch's default. Applies to the first PyTorch model of the"
                                    + " JVM.");

    public static final ConfigOption<String> MODEL_NAME =
            ConfigOptions.key("sidecar.pytorch.model-name")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "The model name reported in ModelInfo; by default the model file's name"
                                    + " without its extension.");

    /** Every option above, in this order, for {@code bin/sidecar --help}. */
    public static Set<ConfigOption<?>> all() {
        return Collections.unmodifiableSet(
                new LinkedHashSet<>(
                        List.of(MODEL_PATH, INPUT_DTYPE, INPUT_SHAPE, THREADS, MODEL_NAME)));
    }

    private PyTorchOptions() {}
}
