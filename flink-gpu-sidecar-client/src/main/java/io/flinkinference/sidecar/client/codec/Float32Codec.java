package io.flinkinference.sidecar.client.codec;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Encodes {@code float[]} as little-endian float32 and decodes result bytes the same way. Stateless
 * and thread-safe.
 */
public final class Float32Codec implements TensorCodec<float[], float[]> {

    private static final long serialVersionUID = 1L;

    static final Float32Codec INSTANCE = new Float32Codec();

    @Override
    public byte[] encode(float[] input) {
        ByteBuffer buffer =
                ByteBuffer.allocate(input.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        buffer.asFloatBuffer().put(input);
        return buffer.array();
    }

    @Override
    public float[] decode(float[] input, byte[] output) {
        if (output.length % Float.BYTES != 0) {
            throw new IllegalArgumentException(
                    "a float32 tensor needs a multiple of 4 bytes, got " + output.length);
        }
        float[] values = new float[output.length / Float.BYTES];
        ByteBuffer.wrap(output).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
        return values;
    }

    private Object readResolve() {
        return INSTANCE;
    }

    @Override
    public String toString() {
        return "float32";
    }
}
