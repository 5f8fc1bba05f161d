package io.flinkinference.sidecar.onnx.tensor;

import com.google.protobuf.CodedOutputStream;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.Consumer;

/**
 * Writes small ONNX models by hand: the {@code onnx.ModelProto} wire format (field numbers from
 * onnx/onnx.proto) with protobuf's {@link CodedOutputStream}, so tests need no Python and no
 * pre-built model file.
 */
final class OnnxModelWriter {

    /** onnx.TensorProto.DataType values. */
    static final int FLOAT = 1;

    static final int INT64 = 7;

    private OnnxModelWriter() {}

    /**
     * {@code y = matmul(x, w) + b} with {@code x: float[N, rows, w.length]}, {@code w:
     * float[w.length, w[0].length]}, {@code b: float[w[0].length]}, opset 13.
     */
    static byte[] matMulAdd(int rows, float[][] w, float[] b) {
        int in = w.length;
        int out = w[0].length;
        float[] wFlat = new float[in * out];
        for (int i = 0; i < in; i++) {
            System.arraycopy(w[i], 0, wFlat, i * out, out);
        }
        byte[] graph =
                message(
                        g -> {
                            bytes(g, 1, node("MatMul", new String[] {"x", "w"}, "xw"));
                            bytes(g, 1, node("Add", new String[] {"xw", "b"}, "y"));
                            string(g, 2, "matmul_add");
                            bytes(g, 5, floatTensor("w", new long[] {in, out}, wFlat));
                            bytes(g, 5, floatTensor("b", new long[] {out}, b));
                            bytes(g, 11, valueInfo("x", FLOAT, -1, rows, in));
                            bytes(g, 12, valueInfo("y", FLOAT, -1, rows, out));
                        });
        return model(graph);
    }

    /** {@code y = x + 1} on int64 {@code x: [batchDim, n]}; batchDim -1 = variable. */
    static byte[] addOneInt64(long batchDim, int n) {
        byte[] graph =
                message(
                        g -> {
                            bytes(g, 1, node("Add", new String[] {"x", "one"}, "y"));
                            string(g, 2, "add_one");
                            bytes(
                                    g,
                                    5,
                                    message(
                                            t -> {
                                                int64(t, 1, 1);
                                                int32(t, 2, INT64);
                                                int64s(t, 7, new long[] {1});
                                                string(t, 8, "one");
                                            }));
                            bytes(g, 11, valueInfo("x", INT64, batchDim, n));
                            bytes(g, 12, valueInfo("y", INT64, batchDim, n));
                        });
        return model(graph);
    }

    private static byte[] model(byte[] graph) {
        return message(
                m -> {
                    int64(m, 1, 8); // ir_version
                    string(m, 2, "flink-inference test");
                    bytes(m, 7, graph);
                    bytes(
                            m,
                            8,
                            message(
                                    o -> {
                                        string(o, 1, "");
                                        int64(o, 2, 13);
                                    }));
                });
    }

    private static byte[] node(String opType, String[] inputs, String output) {
        return message(
                n -> {
                    for (String input : inputs) {
                        string(n, 1, input);
                    }
                    string(n, 2, output);
                    string(n, 3, opType + "_" + output);
                    string(n, 4, opType);
                });
    }

    private static byte[] floatTensor(String name, long[] dims, float[] values) {
        return message(
                t -> {
                    for (long dim : dims) {
                        int64(t, 1, dim);
                    }
                    int32(t, 2, FLOAT);
                    floats(t, 4, values);
                    string(t, 8, name);
                });
    }

    /** A ValueInfoProto of a tensor; a negative dimension becomes the symbolic "N". */
    private static byte[] valueInfo(String name, int elemType, long... dims) {
        byte[] shape =
                message(
                        s -> {
                            for (long dim : dims) {
                                bytes(
                                        s,
                                        1,
                                        message(
                                                d -> {
                                                    if (dim < 0) {
                                                        string(d, 2, "N");
                                                    } else {
                                                        int64(d, 1, dim);
                                                    }
                                                }));
                            }
                        });
        byte[] tensorType =
                message(
                        t -> {
                            int32(t, 1, elemType);
                            bytes(t, 2, shape);
                        });
        return message(
                v -> {
                    string(v, 1, name);
                    bytes(v, 2, message(type -> bytes(type, 1, tensorType)));
                });
    }

    private interface IoAction {
        void run() throws IOException;
    }

    private static byte[] message(Consumer<CodedOutputStream> fields) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(bytes);
        fields.accept(out);
        io(out::flush);
        return bytes.toByteArray();
    }

    private static void io(IoAction action) {
        try {
            action.run();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void bytes(CodedOutputStream out, int field, byte[] value) {
        io(() -> out.writeByteArray(field, value));
    }

    private static void string(CodedOutputStream out, int field, String value) {
        io(() -> out.writeString(field, value));
    }

    private static void int64(CodedOutputStream out, int field, long value) {
        io(() -> out.writeInt64(field, value));
    }

    private static void int32(CodedOutputStream out, int field, int value) {
        io(() -> out.writeInt32(field, value));
    }

    private static void int64s(CodedOutputStream out, int field, long[] values) {
        for (long value : values) {
            int64(out, field, value);
        }
    }

    private static void floats(CodedOutputStream out, int field, float[] values) {
        for (float value : values) {
            io(() -> out.writeFloat(field, value));
        }
    }
}
