package io.flinkinference.sidecar.onnx;

import io.flinkinference.sidecar.SidecarOptions;
import io.flinkinference.sidecar.api.v1.ModelInfo;
import io.flinkinference.sidecar.backend.InferenceBackend;
import io.flinkinference.sidecar.backend.ItemResult;
import io.flinkinference.sidecar.onnx.tensor.TensorRunner;
import io.flinkinference.sidecar.onnx.text.TextEmbeddingRunner;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.OrtSession.SessionOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteOrder;
import java.util.List;

/**
 * The {@code onnx} backend: one ONNX Runtime session serving one model in {@code tensor} or {@code
 * text-embedding} mode (see {@link OnnxOptions}).
 *
 * <p>Thread-safety: after {@link #open(Configuration)}, {@link #infer(List)} may be called from any
 * number of threads at once (ONNX Runtime sessions and the tokenizer are safe for concurrent use;
 * each call builds its own tensors). {@link #open} and {@link #close} must not race with anything.
 *
 * <p>Failure semantics: {@link #open} throws if the model, the tokenizer or the execution provider
 * cannot be loaded ({@link IllegalArgumentException} for bad options, {@link IllegalStateException}
 * for an execution provider that is not there, {@link java.io.IOException} for a missing file), so
 * the sidecar fails at start-up, not on the first request. A payload that cannot be decoded is
 * answered {@code INVALID_ARGUMENT} for that item alone; a failure of the model run itself
 * propagates and fails the batch.
 *
 * <p>Batch invariance: inputs are padded on the right with a zero attention mask and pooling is
 * done per item in Java, so an item's result does not depend on its neighbours beyond float
 * rounding (measured cosine 1.0 to 7 digits for the bundled fp32 model).
 */
public final class OnnxBackend implements InferenceBackend {

    private static final Logger LOG = LoggerFactory.getLogger(OnnxBackend.class);

    /** The value of {@code sidecar.backend} that selects this backend. */
    public static final String NAME = "onnx";

    private SessionOptions sessionOptions;
    private OrtSession session;
    private ModeRunner runner;
    private ModelInfo info;

    @Override
    public void open(Configuration config) throws Exception {
        if (session != null) {
            throw new IllegalStateException("already open");
        }
        if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
            throw new IllegalStateException(
                    "the onnx backend exchanges little-endian tensors and needs a little-endian"
                            + " platform");
        }
        OnnxMode mode = OnnxMode.fromConfig(config.get(OnnxOptions.MODE));
        ExecutionProvider provider =
                ExecutionProvider.fromConfig(config.get(OnnxOptions.EXECUTION_PROVIDER));
        GraphOptimizationLevel optimization =
                GraphOptimizationLevel.fromConfig(config.get(OnnxOptions.GRAPH_OPTIMIZATION_LEVEL));
        int intraOpThreads = nonNegative(config, OnnxOptions.INTRA_OP_THREADS);
        int interOpThreads = nonNegative(config, OnnxOptions.INTER_OP_THREADS);
        ModelLocation modelLocation = ModelLocation.of(config.get(OnnxOptions.MODEL_PATH));
        String name = config.getOptional(OnnxOptions.MODEL_NAME).orElse(modelLocation.baseName());

        OrtEnvironment env = OrtEnvironments.get();
        SessionOptions options = new SessionOptions();
        try {
            options.setOptimizationLevel(optimization.ortLevel());
            if (intraOpThreads > 0) {
                options.setIntraOpNumThreads(intraOpThreads);
            }
            if (interOpThreads > 0) {
                options.setInterOpNumThreads(interOpThreads);
            }
            provider.attach(
                    options,
                    config.get(OnnxOptions.DEVICE_ID),
                    OrtEnvironment.getAvailableProviders());
            LOG.info(
                    "Loading ONNX model {} ({} mode, {} provider, optimisation {})",
                    modelLocation,
                    mode.configValue(),
                    provider.configValue(),
                    optimization.configValue());
            session = env.createSession(modelLocation.readAllBytes(), options);
            runner =
                    mode == OnnxMode.TENSOR
                            ? new TensorRunner(env, session)
                            : TextEmbeddingRunner.open(
                                    env,
                                    session,
                                    ModelLocation.of(config.get(OnnxOptions.TOKENIZER_PATH)),
                                    config.get(OnnxOptions.MAX_SEQUENCE_LENGTH));
        } catch (Exception e) {
            closeQuietly(options, e);
            throw e;
        }
        sessionOptions = options;
        info =
                runner.describe()
                        .setName(name)
                        .setBackend(NAME)
                        .setMaxBatchSize(config.get(SidecarOptions.BATCH_MAX_SIZE))
                        .putProperties("model-path", modelLocation.toString())
                        .putProperties("execution-provider", provider.configValue())
                        .putProperties("graph-optimization-level", optimization.configValue())
                        .putProperties("onnxruntime-version", env.getVersion())
                        .build();
        LOG.info("ONNX model {} ready: {}", name, info.toString().replace('\n', ' '));
    }

    @Override
    public ModelInfo info() {
        if (info == null) {
            throw new IllegalStateException("not open");
        }
        return info;
    }

    @Override
    public List<ItemResult> infer(List<byte[]> payloads) throws Exception {
        if (runner == null) {
            throw new IllegalStateException("not open");
        }
        return runner.infer(payloads);
    }

    @Override
    public void close() throws Exception {
        ModeRunner r = runner;
        runner = null;
        info = null;
        try {
            if (r != null) {
                r.close();
            }
            if (session != null) {
                session.close();
            }
        } finally {
            session = null;
            if (sessionOptions != null) {
                sessionOptions.close();
                sessionOptions = null;
            }
        }
    }

    private void closeQuietly(SessionOptions options, Exception cause) {
        try {
            if (runner != null) {
                runner.close();
            }
            if (session != null) {
                session.close();
            }
        } catch (OrtException | RuntimeException e) {
            cause.addSuppressed(e);
        } finally {
            runner = null;
            session = null;
            options.close();
        }
    }

    private static int nonNegative(Configuration config, ConfigOption<Integer> option) {
        int value = config.get(option);
        if (value < 0) {
            throw new IllegalArgumentException(option.key() + " must be >= 0, got " + value);
        }
        return value;
    }
}
