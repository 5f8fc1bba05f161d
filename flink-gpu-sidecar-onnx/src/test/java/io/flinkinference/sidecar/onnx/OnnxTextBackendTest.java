package io.flinkinference.sidecar.onnx;

import io.flinkinference.sidecar.api.v1.ModelInfo;
import io.flinkinference.sidecar.backend.ItemResult;

import org.apache.flink.configuration.Configuration;

import com.google.rpc.Code;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

/** The default {@code onnx} backend: bundled fp32 MiniLM in text-embedding mode. */
@Timeout(120)
class OnnxTextBackendTest {

    private static OnnxBackend backend;

    @BeforeAll
    static void open() throws Exception {
        backend = new OnnxBackend();
        backend.open(new Configuration());
    }

    @AfterAll
    static void close() throws Exception {
        backend.close();
    }

    @Test
    void withoutOptionsServesBundledMiniLmAsTextEmbedding() {
        ModelInfo info = backend.info();

        assertThat(info.getName()).isEqualTo("all-minilm-l6-v2");
        assertThat(info.getBackend()).isEqualTo("onnx");
        assertThat(info.getMode()).isEqualTo("text-embedding");
        assertThat(info.getEmbeddingDimension()).isEqualTo(384);
        assertThat(info.getMaxSequenceLength()).isEqualTo(256);
        assertThat(info.getInput().getDtype()).isEqualTo("utf8");
        assertThat(info.getOutput().getDtype()).isEqualTo("float32");
        assertThat(info.getOutput().getShapeList()).containsExactly(384L);
        assertThat(info.getPropertiesMap()).containsEntry("execution-provider", "cpu");
    }

    @Test
    void vectorsAreUnitLengthLittleEndianFloat32() throws Exception {
        byte[] vector = embed("a cat sits on the mat");

        assertThat(vector).hasSize(384 * 4);
        float[] values = Vectors.floats(vector);
        double norm = 0;
        for (float v : values) {
            norm += v * v;
        }
        assertThat(Math.sqrt(norm)).isCloseTo(1.0, offset(1e-5));
    }

    @Test
    void similarMeaningsAreCloserThanUnrelatedOnes() throws Exception {
        byte[] cat = embed("a cat sits on the mat");
        byte[] kitten = embed("a kitten rests on a rug");
        byte[] stocks = embed("stock markets fell sharply");

        double related = Vectors.cosine(cat, kitten);
        double unrelated = Vectors.cosine(cat, stocks);
        assertThat(related).isGreaterThan(0.5);
        assertThat(unrelated).isLessThan(0.2);
        assertThat(related - unrelated).isGreaterThan(0.3);
    }

    @Test
    void invalidUtf8FailsOnlyThatItem() throws Exception {
        byte[] invalid = {'a', 'b', (byte) 0xC3, (byte) 0x28, 'c'};
        byte[] truncatedSequence = {'x', (byte) 0xE2, (byte) 0x82};
        List<ItemResult> results =
                backend.infer(List.of(utf8("first"), invalid, utf8("third"), truncatedSequence));

        assertThat(results).hasSize(4);
        assertThat(results.get(1).isOk()).isFalse();
        assertThat(results.get(1).errorCode()).isEqualTo(Code.INVALID_ARGUMENT);
        assertThat(results.get(1).errorMessage()).contains("UTF-8").contains("byte 2");
        assertThat(results.get(3).errorCode()).isEqualTo(Code.INVALID_ARGUMENT);
        assertThat(Vectors.cosine(results.get(0).payload(), embed("first")))
                .isGreaterThanOrEqualTo(0.99999);
        assertThat(Vectors.cosine(results.get(2).payload(), embed("third")))
                .isGreaterThanOrEqualTo(0.99999);
    }

    @Test
    void emptyTextIsStillEmbedded() throws Exception {
        assertThat(embed("")).hasSize(384 * 4);
    }

    private static byte[] embed(String text) throws Exception {
        ItemResult result = backend.infer(List.of(utf8(text))).get(0);
        assertThat(result.isOk()).as("%s", result).isTrue();
        return result.payload();
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
