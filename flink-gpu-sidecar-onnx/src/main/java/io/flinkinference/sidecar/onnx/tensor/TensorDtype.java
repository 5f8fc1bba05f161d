package io.flinkinference.sidecar.onnx.tensor;

import ai.onnxruntime.OnnxJavaType;

/**
 * The tensor element types that {@code tensor} mode exchanges, with their {@code TensorSpec.dtype}
 * spelling and byte size. Immutable; {@link #of} rejects types that are not fixed-size.
 */
public enum TensorDtype {
    FLOAT32("float32", OnnxJavaType.FLOAT, 4),
    FLOAT64("float64", OnnxJavaType.DOUBLE, 8),
    FLOAT16("float16", OnnxJavaType.FLOAT16, 2),
    BFLOAT16("bfloat16", OnnxJavaType.BFLOAT16, 2),
    INT8("int8", OnnxJavaType.INT8, 1),
    UINT8("uint8", OnnxJavaType.UINT8, 1),
    INT16("int16", OnnxJavaType.INT16, 2),
    INT32("int32", OnnxJavaType.INT32, 4),
    INT64("int64", OnnxJavaType.INT64, 8),
    BOOL("bool", OnnxJavaType.BOOL, 1);

    private final String specName;
    private final OnnxJavaType javaType;
    private final int byteSize;

    TensorDtype(String specName, OnnxJavaType javaType, int byteSize) {
        this.specName = specName;
        this.javaType = javaType;
        this.byteSize = byteSize;
    }

    /** The spelling in {@code TensorSpec.dtype}, e.g. {@code float32}. */
    public String specName() {
        return specName;
    }

    public OnnxJavaType javaType() {
        return javaType;
    }

    public int byteSize() {
        return byteSize;
    }

    /**
     * The dtype of an ONNX Runtime element type.
     *
     * @throws IllegalArgumentException for types that cannot travel as fixed-size bytes (strings)
     */
    public static TensorDtype of(OnnxJavaType type) {
        for (TensorDtype dtype : values()) {
            if (dtype.javaType == type) {
                return dtype;
            }
        }
        throw new IllegalArgumentException(
                "tensor mode does not support ONNX element type " + type);
    }
}
