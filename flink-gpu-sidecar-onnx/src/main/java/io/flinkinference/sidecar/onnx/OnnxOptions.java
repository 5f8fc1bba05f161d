package io.flinkinference.sidecar.onnx;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The {@code sidecar.onnx.*} options that the {@code onnx} backend reads. Without any of them set,
 * the backend serves the bundled fp32 all-MiniLM-L6-v2 in {@code text-embedding} mode on the CPU.
 * Constants only; thread-safe. Invalid values make {@link OnnxBackend#open} fail, naming the key.
 */
public final class OnnxOptions {

    /** Prefix of a location that names a resource on the class path instead of a file. */
    public static final String CLASSPATH_PREFIX = "classpath:";

    public static final ConfigOption<String> MODEL_PATH =
            ConfigOptions.key("sidecar.onnx.model-path")
                    .stringType()
                    .defaultValue("classpath:/all-minilm-l6-v2.onnx")
                    .withDescription(
                            "The .onnx model file: a file system path, or 'classpath:/name.onnx' for a"
                                    + " resource on the class path. The default is the bundled fp32"
                                    + " all-MiniLM-L6-v2 sentence-embedding model.");

    public static final ConfigOption<String> TOKENIZER_PATH =
            ConfigOptions.key("sidecar.onnx.tokenizer-path")
                    .stringType()
                    .defaultValue("classpath:/all-minilm-l6-v2-tokenizer.json")
                    .withDescription(
                            "text-embedding mode: the model's HuggingFace tokenizer.json (a path or"
                                    + " 'classpath:/...'). Its own truncation and padding settings are"
                                    + " ignored: sidecar.onnx.max-sequence-length truncates and each"
                                    + " batch is padded to its longest item.");

    public static final ConfigOption<String> MODE =
            ConfigOptions.key("sidecar.onnx.mode")
                    .stringType()
                    .defaultValue(OnnxMode.TEXT_EMBEDDING.configValue())
                    .withDescription(
                            "How payloads are read: 'text-embedding' (payload = UTF-8 text, result ="
                                    + " L2-normalised mean-pooled float32 little-endian vector) or"
                                    + " 'tensor' (payload = one item's input tensor, row-major"
                                    + " little-endian, in the model's dtype and per-item shape;"
                                    + " result = that item's slice of the first output).");

    public static final ConfigOption<Integer> MAX_SEQUENCE_LENGTH =
            ConfigOptions.key("sidecar.onnx.max-sequence-length")
                    .intType()
                    .defaultValue(256)
                    .withDescription(
                            "text-embedding mode: tokens kept per text, [CLS] and [SEP] included;"
                                    + " longer texts are truncated (keeping the final [SEP]). 256 is"
                                    + " what sentence-transformers uses for all-MiniLM-L6-v2; it"
                                    + " must not exceed the model's position embeddings (512 for"
                                    + " BERT-style models).");

    public static final ConfigOption<String> EXECUTION_PROVIDER =
            ConfigOptions.key("sidecar.onnx.execution-provider")
                    .stringType()
                    .defaultValue(ExecutionProvider.CPU.configValue())
                    .withDescription(
                            "'cpu', 'cuda' or 'tensorrt'. 'cuda' and 'tensorrt' need the ONNX Runtime"
                                    + " GPU build on the class path (build this module with -Pgpu:"
                                    + " com.microsoft.onnxruntime:onnxruntime_gpu) and an NVIDIA GPU with"
                                    + " CUDA and cuDNN; without them the backend fails at start-up.");

    public static final ConfigOption<Integer> DEVICE_ID =
            ConfigOptions.key("sidecar.onnx.device-id")
                    .intType()
                    .defaultValue(0)
                    .withDescription("The GPU ordinal for the 'cuda' and 'tensorrt' providers.");

    public static final ConfigOption<Integer> INTRA_OP_THREADS =
            ConfigOptions.key("sidecar.onnx.intra-op-threads")
                    .intType()
                    .defaultValue(0)
                    .withDescription(
                            "Threads one operator may use (ONNX Runtime's intra-op pool); 0 lets ONNX"
                                    + " Runtime choose (one per physical core).");

    public static final ConfigOption<Integer> INTER_OP_THREADS =
            ConfigOptions.key("sidecar.onnx.inter-op-threads")
                    .intType()
                    .defaultValue(0)
                    .withDescription(
                            "Threads for running independent operators in parallel (ONNX Runtime's"
                                    + " inter-op pool); 0 lets ONNX Runtime choose.");

    public static final ConfigOption<String> GRAPH_OPTIMIZATION_LEVEL =
            ConfigOptions.key("sidecar.onnx.graph-optimization-level")
                    .stringType()
                    .defaultValue(GraphOptimizationLevel.ALL.configValue())
                    .withDescription(
                            "ONNX Runtime graph optimisations: 'disabled', 'basic', 'extended' or"
                                    + " 'all'. None of them makes the bundled fp32 model"
                                    + " batch-dependent (see docs/backends.md).");

    public static final ConfigOption<String> MODEL_NAME =
            ConfigOptions.key("sidecar.onnx.model-name")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "The model name reported in ModelInfo; by default the model file's name"
                                    + " without its extension, e.g. 'all-minilm-l6-v2'.");

    /** Every option above, in this order, for {@code bin/sidecar --help}. */
    public static Set<ConfigOption<?>> all() {
        return Collections.unmodifiableSet(
                new LinkedHashSet<>(
                        List.of(
                                MODEL_PATH,
                                TOKENIZER_PATH,
                                MODE,
                                MAX_SEQUENCE_LENGTH,
                                EXECUTION_PROVIDER,
                                DEVICE_ID,
                                INTRA_OP_THREADS,
                                INTER_OP_THREADS,
                                GRAPH_OPTIMIZATION_LEVEL,
                                MODEL_NAME)));
    }

    private OnnxOptions() {}
}
