package io.flinkinference.sidecar.onnx;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Test helpers for little-endian float32 vectors. */
public final class Vectors {

    public static float[] floats(byte[] littleEndian) {
        float[] values = new float[littleEndian.length / Float.BYTES];
        ByteBuffer.wrap(littleEndian).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
        return values;
    }

    public static byte[] bytes(float... values) {
        ByteBuffer buffer =
                ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        buffer.asFloatBuffer().put(values);
        return buffer.array();
    }

    public static double cosine(byte[] a, byte[] b) {
        return cosine(floats(a), floats(b));
    }

    public static double cosine(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException(a.length + " != " + b.length);
        }
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
    }

    private Vectors() {}
}
