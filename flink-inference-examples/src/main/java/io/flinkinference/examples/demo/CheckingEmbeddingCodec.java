package io.flinkinference.examples.demo;

import io.flinkinference.sidecar.client.codec.TensorCodec;

/**
 * Sends a record's sentence as UTF-8 ({@link TensorCodec#utf8ToFloat32()}) and checks its answer:
 * an embedding of the expected dimension, finite, with unit L2 norm (the ONNX backend's
 * text-embedding mode normalises every vector).
 */
public final class CheckingEmbeddingCodec implements TensorCodec<TextRecord, DemoResult> {

    private static final long serialVersionUID = 1L;

    /** How far from 1 an L2 norm may be (float32 rounding over a few hundred elements). */
    static final double NORM_TOLERANCE = 1e-3;

    private final int dimension;

    public CheckingEmbeddingCodec(int dimension) {
        this.dimension = dimension;
    }

    @Override
    public byte[] encode(TextRecord input) {
        return TensorCodec.utf8ToFloat32().encode(input.text);
    }

    @Override
    public DemoResult decode(TextRecord input, byte[] output) {
        float[] embedding = TensorCodec.utf8ToFloat32().decode(input.text, output);
        return new DemoResult(
                input.id,
                input.createdNanos,
                isUnitVector(embedding, dimension),
                input.topic,
                input.text,
                embedding);
    }

    static boolean isUnitVector(float[] v, int dimension) {
        if (v.length != dimension) {
            return false;
        }
        double sum = 0;
        for (float x : v) {
            if (!Float.isFinite(x)) {
                return false;
            }
            sum += (double) x * x;
        }
        return Math.abs(Math.sqrt(sum) - 1.0) <= NORM_TOLERANCE;
    }
}
