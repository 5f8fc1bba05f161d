package io.flinkinference.sidecar.onnx.tensor;

import io.flinkinference.sidecar.api.v1.ModelInfo;
import io.flinkinference.sidecar.backend.ItemResult;
import io.flinkinference.sidecar.onnx.OnnxBackend;
import io.flinkinference.sidecar.onnx.OnnxOptions;
import io.flinkinference.sidecar.onnx.Vectors;

import org.apache.flink.configuration.Configuration;

import com.google.rpc.Code;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code tensor} mode on tiny models that the test writes itself. */
@Timeout(60)
class TensorModeTest {

    private static final float[][] W = {{1, 2}, {3, 4}, {5, 6}};
    private static final float[] B = {0.5f, -1f};

    @TempDir Path dir;

    @Test
    void stacksItemsRunsOnceAndSplitsTheOutputExactly() throws Exception {
        try (OnnxBackend backend = open(OnnxModelWriter.matMulAdd(2, W, B))) {
            ModelInfo info = backend.info();
            assertThat(info.getMode()).isEqualTo("tensor");
            assertThat(info.getInput().getDtype()).isEqualTo("float32");
            assertThat(info.getInput().getShapeList()).containsExactly(2L, 3L);
            assertThat(info.getOutput().getDtype()).isEqualTo("float32");
            assertThat(info.getOutput().getShapeList()).containsExactly(2L, 2L);
            assertThat(info.getName()).isEqualTo("model");

            // Each item is a 2x3 matrix, row-major; y = x·W + b, computed by hand.
            List<ItemResult> results =
                    backend.infer(
                            List.of(
                                    Vectors.bytes(1, 2, 3, 0, 0, 0),
                                    Vectors.bytes(1, 0, 0, 0, 1, 0),
                                    Vectors.bytes(-1, -1, -1, 2, 0, 1)));

            assertThat(results).allMatch(ItemResult::isOk);
            assertThat(Vectors.floats(results.get(0).payload()))
                    .containsExactly(22.5f, 27f, 0.5f, -1f);
            assertThat(Vectors.floats(results.get(1).payload()))
                    .containsExactly(1.5f, 1f, 3.5f, 3f);
            assertThat(Vectors.floats(results.get(2).payload()))
                    .containsExactly(-8.5f, -13f, 7.5f, 9f);
        }
    }

    @Test
    void wrongSizedPayloadsFailAloneNamingExpectedAndActualSizes() throws Exception {
        try (OnnxBackend backend = open(OnnxModelWriter.matMulAdd(2, W, B))) {
            List<ItemResult> results =
                    backend.infer(
                            List.of(
                                    new byte[23],
                                    Vectors.bytes(1, 2, 3, 0, 0, 0),
                                    new byte[0],
                                    new byte[25]));

            assertThat(results.get(0).errorCode()).isEqualTo(Code.INVALID_ARGUMENT);
            assertThat(results.get(0).errorMessage())
                    .contains("23 bytes")
                    .contains("expected 24 bytes")
                    .contains("float32")
                    .contains("[2, 3]");
            assertThat(results.get(2).errorMessage()).contains("0 bytes", "expected 24 bytes");
            assertThat(results.get(3).errorMessage()).contains("25 bytes", "expected 24 bytes");
            assertThat(Vectors.floats(results.get(1).payload()))
                    .containsExactly(22.5f, 27f, 0.5f, -1f);
        }
    }

    @Test
    void int64ItemsTravelAsLittleEndianLongs() throws Exception {
        try (OnnxBackend backend = open(OnnxModelWriter.addOneInt64(-1, 3))) {
            assertThat(backend.info().getInput().getDtype()).isEqualTo("int64");

            List<ItemResult> results =
                    backend.infer(List.of(longs(1, 2, 3), longs(-5, 0, Long.MAX_VALUE - 1)));

            assertThat(longsOf(results.get(0).payload())).containsExactly(2, 3, 4);
            assertThat(longsOf(results.get(1).payload())).containsExactly(-4, 1, Long.MAX_VALUE);
        }
    }

    @Test
    void aFixedBatchDimensionIsRejectedAtOpen() throws Exception {
        OnnxBackend backend = new OnnxBackend();
        assertThatThrownBy(() -> backend.open(config(OnnxModelWriter.addOneInt64(4, 3))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("variable batch dimension");
    }

    private OnnxBackend open(byte[] model) throws Exception {
        OnnxBackend backend = new OnnxBackend();
        backend.open(config(model));
        return backend;
    }

    private Configuration config(byte[] model) throws Exception {
        Path file = dir.resolve("model.onnx");
        Files.write(file, model);
        Configuration config = new Configuration();
        config.set(OnnxOptions.MODEL_PATH, file.toString());
        config.set(OnnxOptions.MODE, "tensor");
        return config;
    }

    private static byte[] longs(long... values) {
        ByteBuffer buffer = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (long value : values) {
            buffer.putLong(value);
        }
        return buffer.array();
    }

    private static long[] longsOf(byte[] bytes) {
        long[] values = new long[bytes.length / 8];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().get(values);
        return values;
    }
}
