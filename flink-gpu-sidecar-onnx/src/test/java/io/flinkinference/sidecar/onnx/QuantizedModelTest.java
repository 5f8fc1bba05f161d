package io.flinkinference.sidecar.onnx;

import io.flinkinference.sidecar.backend.ItemResult;

import org.apache.flink.configuration.Configuration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The quantized MiniLM is selectable through the two path options, and shows why it is opt-in: its
 * dynamic quantization makes a text's vector depend on the rest of its batch.
 */
@Timeout(120)
class QuantizedModelTest {

    private static OnnxBackend backend;

    @BeforeAll
    static void open() throws Exception {
        Configuration config = new Configuration();
        config.set(OnnxOptions.MODEL_PATH, "classpath:/all-minilm-l6-v2-q.onnx");
        config.set(OnnxOptions.TOKENIZER_PATH, "classpath:/all-minilm-l6-v2-q-tokenizer.json");
        backend = new OnnxBackend();
        backend.open(config);
    }

    @AfterAll
    static void close() throws Exception {
        backend.close();
    }

    @Test
    void servesTheQuantizedModelWithSensibleVectors() throws Exception {
        assertThat(backend.info().getName()).isEqualTo("all-minilm-l6-v2-q");
        assertThat(backend.info().getEmbeddingDimension()).isEqualTo(384);

        List<byte[]> vectors =
                embed(
                        List.of(
                                "a cat sits on the mat",
                                "a kitten rests on a rug",
                                "stock markets fell sharply"));
        assertThat(Vectors.cosine(vectors.get(0), vectors.get(1)))
                .isGreaterThan(Vectors.cosine(vectors.get(0), vectors.get(2)) + 0.3);
    }

    @Test
    void isNotBatchInvariant() throws Exception {
        double min = 1.0;
        for (String text : Sentences.VARIED.subList(0, 4)) {
            byte[] alone = embed(List.of(text)).get(0);
            // Same text, now sharing its batch (and its activation scales) with other texts.
            byte[] batched = embed(List.of(text, Sentences.VARIED.get(5), "🦊🐶🚀🎉")).get(0);
            min = Math.min(min, Vectors.cosine(alone, batched));
        }
        assertThat(min).as("documented in docs/backends.md").isLessThan(0.999);
    }

    private static List<byte[]> embed(List<String> texts) throws Exception {
        List<byte[]> payloads = new ArrayList<>();
        texts.forEach(t -> payloads.add(t.getBytes(StandardCharsets.UTF_8)));
        List<byte[]> vectors = new ArrayList<>();
        for (ItemResult result : backend.infer(payloads)) {
            vectors.add(result.payload());
        }
        return vectors;
    }
}
