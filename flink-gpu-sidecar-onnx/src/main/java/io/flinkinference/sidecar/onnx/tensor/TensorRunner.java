package io.flinkinference.sidecar.onnx.tensor;

import io.flinkinference.sidecar.api.v1.ModelInfo;
import io.flinkinference.sidecar.api.v1.TensorSpec;
import io.flinkinference.sidecar.backend.ItemResult;
import io.flinkinference.sidecar.onnx.ModeRunner;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code tensor} mode: each payload is one item of the model's single input (row-major,
 * little-endian, in the input's dtype and per-item shape, i.e. the shape without the batch
 * dimension). The valid items of a batch are stacked into {@code [n, ...]}, run once, and the first
 * output is split along dimension 0, one slice per item, in the output's dtype.
 *
 * <p>Thread-safe: each {@link #infer(List)} call builds its own tensors and {@link OrtSession#run}
 * may run concurrently. A payload of the wrong length is answered {@code INVALID_ARGUMENT} with the
 * expected and actual sizes; the other items still run.
 */
public final class TensorRunner implements ModeRunner {

    private final OrtEnvironment env;
    private final OrtSession session;
    private final String inputName;
    private final TensorDtype inputDtype;
    private final long[] itemShape;
    private final int itemBytes;
    private final String outputName;
    private final TensorDtype outputDtype;
    private final long[] outputItemShape;

    /**
     * @throws IllegalArgumentException if the model does not have exactly one tensor input with a
     *     variable batch dimension and fixed per-item dimensions
     */
    public TensorRunner(OrtEnvironment env, OrtSession session) throws OrtException {
        this.env = env;
        this.session = session;
        Map<String, NodeInfo> inputs = session.getInputInfo();
        if (inputs.size() != 1) {
            throw new IllegalArgumentException(
                    "tensor mode needs a model with exactly one input; this one has "
                            + inputs.keySet());
        }
        NodeInfo input = inputs.values().iterator().next();
        this.inputName = input.getName();
        TensorInfo inputInfo = tensorInfo(input);
        this.inputDtype = TensorDtype.of(inputInfo.type);
        long[] shape = inputInfo.getShape();
        if (shape.length < 1 || shape[0] > 0) {
            throw new IllegalArgumentException(
                    "tensor mode needs a variable batch dimension first; input '"
                            + inputName
                            + "' has shape "
                            + Arrays.toString(shape));
        }
        this.itemShape = Arrays.copyOfRange(shape, 1, shape.length);
        long elements = 1;
        for (long dim : itemShape) {
            if (dim <= 0) {
                throw new IllegalArgumentException(
                        "tensor mode needs fixed per-item dimensions; input '"
                                + inputName
                                + "' has shape "
                                + Arrays.toString(shape));
            }
            elements *= dim;
        }
        this.itemBytes = Math.toIntExact(elements * inputDtype.byteSize());

        NodeInfo output = session.getOutputInfo().values().iterator().next();
        this.outputName = output.getName();
        TensorInfo outputInfo = tensorInfo(output);
        this.outputDtype = TensorDtype.of(outputInfo.type);
        long[] outShape = outputInfo.getShape();
        this.outputItemShape =
                Arrays.copyOfRange(outShape, Math.min(1, outShape.length), outShape.length);
    }

    @Override
    public ModelInfo.Builder describe() {
        return ModelInfo.newBuilder()
                .setMode("tensor")
                .setInput(spec(inputDtype, itemShape))
                .setOutput(spec(outputDtype, outputItemShape))
                .putProperties("input-name", inputName)
                .putProperties("output-name", outputName);
    }

    @Override
    public List<ItemResult> infer(List<byte[]> payloads) throws OrtException {
        ItemResult[] results = new ItemResult[payloads.size()];
        List<Integer> valid = new ArrayList<>(payloads.size());
        for (int i = 0; i < payloads.size(); i++) {
            byte[] payload = payloads.get(i);
            if (payload.length != itemBytes) {
                results[i] =
                        ItemResult.wrongPayloadSize(
                                payload.length, itemBytes, inputDtype.specName(), itemShape);
            } else {
                valid.add(i);
            }
        }
        if (!valid.isEmpty()) {
            runStacked(payloads, valid, results);
        }
        return Arrays.asList(results);
    }

    private void runStacked(List<byte[]> payloads, List<Integer> valid, ItemResult[] results)
            throws OrtException {
        int n = valid.size();
        ByteBuffer stacked =
                ByteBuffer.allocateDirect(n * itemBytes).order(ByteOrder.LITTLE_ENDIAN);
        for (int index : valid) {
            stacked.put(payloads.get(index));
        }
        stacked.flip();
        long[] batchShape = new long[itemShape.length + 1];
        batchShape[0] = n;
        System.arraycopy(itemShape, 0, batchShape, 1, itemShape.length);
        try (OnnxTensor tensor =
                        OnnxTensor.createTensor(env, stacked, batchShape, inputDtype.javaType());
                OrtSession.Result result =
                        session.run(Map.of(inputName, tensor), Set.of(outputName))) {
            OnnxValue value = result.get(0);
            if (!(value instanceof OnnxTensor)) {
                throw new IllegalStateException("output '" + outputName + "' is not a tensor");
            }
            OnnxTensor out = (OnnxTensor) value;
            long[] outShape = out.getInfo().getShape();
            if (outShape.length == 0 || outShape[0] != n) {
                throw new IllegalStateException(
                        "output '"
                                + outputName
                                + "' has shape "
                                + Arrays.toString(outShape)
                                + "; expected the batch size "
                                + n
                                + " first");
            }
            ByteBuffer bytes = out.getByteBuffer();
            int sliceBytes = bytes.remaining() / n;
            for (int index : valid) {
                byte[] slice = new byte[sliceBytes];
                bytes.get(slice);
                results[index] = ItemResult.ok(slice);
            }
        }
    }

    @Override
    public void close() {}

    private static TensorInfo tensorInfo(NodeInfo node) {
        if (!(node.getInfo() instanceof TensorInfo)) {
            throw new IllegalArgumentException(
                    "tensor mode needs tensor inputs and outputs; '"
                            + node.getName()
                            + "' is "
                            + node.getInfo());
        }
        return (TensorInfo) node.getInfo();
    }

    private static TensorSpec spec(TensorDtype dtype, long[] shape) {
        TensorSpec.Builder spec = TensorSpec.newBuilder().setDtype(dtype.specName());
        for (long dim : shape) {
            spec.addShape(dim > 0 ? dim : -1);
        }
        return spec.build();
    }
}
