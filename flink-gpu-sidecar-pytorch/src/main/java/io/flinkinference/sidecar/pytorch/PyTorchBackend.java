package io.flinkinference.sidecar.pytorch;

import io.flinkinference.sidecar.SidecarOptions;
import io.flinkinference.sidecar.api.v1.ModelInfo;
import io.flinkinference.sidecar.api.v1.TensorSpec;
import io.flinkinference.sidecar.backend.InferenceBackend;
import io.flinkinference.sidecar.backend.ItemResult;

import org.apache.flink.configuration.Configuration;

import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.TranslateException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The {@code pytorch} backend: a TorchScript model run by libtorch through DJL's PyTorch engine, in
 * {@code tensor} mode. Each payload is one item of the model's single input (row-major,
 * little-endian, in {@code sidecar.pytorch.input-dtype} and {@code sidecar.pytorch.input-shape});
 * the valid items of a batch are stacked into {@code [n, ...]}, the model runs once, and its first
 * output is split along dimension 0.
 *
 * <p>libtorch comes from Maven Central ({@code ai.djl.pytorch:pytorch-native-cpu:2.7.1}, {@code
 * linux-x86_64}); {@link #open} sets {@code ai.djl.offline=true} (unless already set), so DJL never
 * tries to download anything.
 *
 * <p>Thread-safety: after {@link #open}, {@link #infer(List)} may be called concurrently; each call
 * uses its own {@link Predictor} and native memory scope on the shared model.
 *
 * <p>Failure semantics: {@link #open} fails for a missing model or option, an unknown dtype, or a
 * model that cannot run one item of the configured shape. A payload of the wrong length is answered
 * {@code INVALID_ARGUMENT} naming the expected and actual sizes, for that item only; a failure of
 * the model run fails the batch.
 */
public final class PyTorchBackend implements InferenceBackend {

    private static final Logger LOG = LoggerFactory.getLogger(PyTorchBackend.class);

    /** The value of {@code sidecar.backend} that selects this backend. */
    public static final String NAME = "pytorch";

    private ZooModel<NDList, NDList> model;
    private ItemDtype inputDtype;
    private long[] itemShape;
    private int itemBytes;
    private ModelInfo info;

    @Override
    public void open(Configuration config) throws Exception {
        Path path =
                Path.of(
                        config.getOptional(PyTorchOptions.MODEL_PATH)
                                .orElseThrow(() -> missing(PyTorchOptions.MODEL_PATH.key())));
        if (!Files.isRegularFile(path)) {
            throw new NoSuchFileException(path.toAbsolutePath().toString(), null, "no such file");
        }
        inputDtype = ItemDtype.fromConfig(config.get(PyTorchOptions.INPUT_DTYPE));
        List<Integer> shape =
                config.getOptional(PyTorchOptions.INPUT_SHAPE)
                        .orElseThrow(() -> missing(PyTorchOptions.INPUT_SHAPE.key()));
        itemShape = shape.stream().mapToLong(Integer::longValue).toArray();
        long elements = 1;
        for (long dim : itemShape) {
            if (dim <= 0) {
                throw new IllegalArgumentException(
                        PyTorchOptions.INPUT_SHAPE.key() + " must be positive, got " + shape);
            }
            elements *= dim;
        }
        itemBytes = Math.toIntExact(elements * inputDtype.djlType.getNumOfBytes());

        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
        int threads = config.get(PyTorchOptions.THREADS);
        if (threads > 0 && System.getProperty("ai.djl.pytorch.num_threads") == null) {
            System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
        }
        LOG.info("Loading TorchScript model {}", path);
        model =
                Criteria.builder()
                        .setTypes(NDList.class, NDList.class)
                        .optModelPath(path)
                        .optEngine("PyTorch")
                        .build()
                        .loadModel();
        try {
            // One zero item tells the output's dtype and per-item shape (and that the model runs).
            TensorSpec output =
                    run(
                            List.of(new byte[itemBytes]),
                            1,
                            (array, n) -> spec(ItemDtype.of(array.getDataType()), outShape(array)));
            ModelInfo.Builder builder =
                    ModelInfo.newBuilder()
                            .setName(
                                    config.getOptional(PyTorchOptions.MODEL_NAME)
                                            .orElse(baseName(path)))
                            .setBackend(NAME)
                            .setMode("tensor")
                            .setMaxBatchSize(config.get(SidecarOptions.BATCH_MAX_SIZE))
                            .setInput(spec(inputDtype, itemShape))
                            .setOutput(output)
                            .putProperties("model-path", path.toString())
                            .putProperties(
                                    "engine",
                                    "PyTorch " + model.getNDManager().getEngine().getVersion());
            info = builder.build();
        } catch (RuntimeException | TranslateException e) {
            // libtorch refusing the item (e.g. a shape the model cannot take) arrives as a
            // TranslateException wrapping DJL's EngineException.
            model.close();
            model = null;
            throw new IllegalArgumentException(
                    "the model cannot run one "
                            + inputDtype.specName
                            + " item of shape "
                            + shape
                            + ": "
                            + e.getMessage(),
                    e);
        }
        LOG.info(
                "TorchScript model {} ready: {}",
                info.getName(),
                info.toString().replace('\n', ' '));
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
        if (model == null) {
            throw new IllegalStateException("not open");
        }
        ItemResult[] results = new ItemResult[payloads.size()];
        List<Integer> valid = new ArrayList<>();
        List<byte[]> items = new ArrayList<>();
        for (int i = 0; i < payloads.size(); i++) {
            byte[] payload = payloads.get(i);
            if (payload.length != itemBytes) {
                results[i] =
                        ItemResult.wrongPayloadSize(
                                payload.length, itemBytes, inputDtype.specName, itemShape);
            } else {
                valid.add(i);
                items.add(payload);
            }
        }
        if (!items.isEmpty()) {
            byte[][] slices = run(items, items.size(), PyTorchBackend::split);
            for (int k = 0; k < slices.length; k++) {
                results[valid.get(k)] = ItemResult.ok(slices[k]);
            }
        }
        return Arrays.asList(results);
    }

    private interface OutputReader<T> {
        T read(NDArray output, int n);
    }

    /** Stacks the items, runs the model once, reads its first output inside the call's scope. */
    private <T> T run(List<byte[]> items, int n, OutputReader<T> reader) throws TranslateException {
        ByteBuffer stacked =
                ByteBuffer.allocateDirect(n * itemBytes).order(ByteOrder.nativeOrder());
        items.forEach(stacked::put);
        stacked.flip();
        long[] batchShape = new long[itemShape.length + 1];
        batchShape[0] = n;
        System.arraycopy(itemShape, 0, batchShape, 1, itemShape.length);
        try (NDManager scope = model.getNDManager().newSubManager();
                Predictor<NDList, NDList> predictor = model.newPredictor()) {
            NDArray input = scope.create(stacked, new Shape(batchShape), inputDtype.djlType);
            NDArray output = predictor.predict(new NDList(input)).get(0);
            output.attach(scope);
            if (output.getShape().dimension() == 0 || output.getShape().get(0) != n) {
                throw new IllegalStateException(
                        "the model's first output has shape "
                                + output.getShape()
                                + "; expected the batch size "
                                + n
                                + " first");
            }
            return reader.read(output, n);
        }
    }

    private static byte[][] split(NDArray output, int n) {
        ByteBuffer bytes = output.toByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        int slice = bytes.remaining() / n;
        byte[][] slices = new byte[n][slice];
        for (byte[] s : slices) {
            bytes.get(s);
        }
        return slices;
    }

    private static long[] outShape(NDArray output) {
        long[] shape = output.getShape().getShape();
        return Arrays.copyOfRange(shape, 1, shape.length);
    }

    private static TensorSpec spec(ItemDtype dtype, long[] shape) {
        TensorSpec.Builder spec = TensorSpec.newBuilder().setDtype(dtype.specName);
        for (long dim : shape) {
            spec.addShape(dim);
        }
        return spec.build();
    }

    private static String baseName(Path path) {
        String name = path.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }

    private static IllegalArgumentException missing(String key) {
        return new IllegalArgumentException(key + " is required by the pytorch backend");
    }

    @Override
    public void close() {
        if (model != null) {
            model.close();
            model = null;
        }
        info = null;
    }
}
