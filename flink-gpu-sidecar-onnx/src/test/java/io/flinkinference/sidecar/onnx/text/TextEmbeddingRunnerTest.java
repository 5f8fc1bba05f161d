package io.flinkinference.sidecar.onnx.text;

import io.flinkinference.sidecar.backend.ItemResult;
import io.flinkinference.sidecar.onnx.ModelLocation;
import io.flinkinference.sidecar.onnx.OrtEnvironments;
import io.flinkinference.sidecar.onnx.Sentences;
import io.flinkinference.sidecar.onnx.Vectors;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

/**
 * Truncation and padding of the text-embedding mode, through the package-private tokenizing seam
 * and through the vectors themselves.
 */
@Timeout(120)
class TextEmbeddingRunnerTest {

    private static final long CLS = 101;
    private static final long SEP = 102;

    private static OrtSession session;
    private static TextEmbeddingRunner runner;

    @BeforeAll
    static void open() throws Exception {
        OrtEnvironment env = OrtEnvironments.get();
        session =
                env.createSession(
                        ModelLocation.of("classpath:/all-minilm-l6-v2.onnx").readAllBytes(),
                        new OrtSession.SessionOptions());
        runner =
                TextEmbeddingRunner.open(
                        env,
                        session,
                        ModelLocation.of("classpath:/all-minilm-l6-v2-tokenizer.json"),
                        256);
    }

    @AfterAll
    static void close() throws Exception {
        runner.close();
        session.close();
    }

    @Test
    void longTextIsTruncatedAtMaxSequenceLengthNotAtTheTokenizerFiles128() {
        TokenizedBatch batch = runner.tokenize(List.of(Sentences.LONG_TEXT));

        assertThat(batch.sequenceLength).isEqualTo(256);
        long[] ids = batch.ids(0);
        assertThat(ids).hasSize(256);
        assertThat(ids[0]).isEqualTo(CLS);
        assertThat(ids[255]).as("the final [SEP] is kept").isEqualTo(SEP);
    }

    @Test
    void truncationShowsInTheVector() throws Exception {
        // Each word is one token: 254 words + [CLS] + [SEP] = the 256 tokens the long text keeps.
        byte[] full = embed(Sentences.LONG_TEXT);
        byte[] first254 = embed(Sentences.firstWords(254));
        byte[] first126 = embed(Sentences.firstWords(126));

        assertThat(runner.tokenize(List.of(Sentences.firstWords(254))).sequenceLength)
                .isEqualTo(256);
        assertThat(Vectors.cosine(full, first254)).isGreaterThanOrEqualTo(0.99999);
        assertThat(Vectors.cosine(full, first126))
                .as("a 128-token cut would make these equal")
                .isLessThan(0.9999);
    }

    @Test
    void shortBatchIsPaddedToItsLongestItemNotTo128() {
        TokenizedBatch batch = runner.tokenize(List.of("Hi", "a cat sits on the mat"));

        assertThat(batch.lengths).containsExactly(3, 8);
        assertThat(batch.sequenceLength).isEqualTo(8);
        assertThat(batch.inputIds).hasSize(16);
        assertThat(batch.attentionMask)
                .containsExactly(1, 1, 1, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1);
    }

    @Test
    void paddingTo128InsteadOfToTheLongestGivesTheSameVectors() throws Exception {
        TokenizedBatch batch = runner.tokenize(List.of("Hi", "a kitten rests on a rug", "🦊"));
        float[][] toLongest = runner.embed(batch, 384);
        float[][] to128 = runner.embed(batch.padTo(128), 384);

        for (int i = 0; i < toLongest.length; i++) {
            assertThat(Vectors.cosine(toLongest[i], to128[i])).isGreaterThanOrEqualTo(0.99999);
        }
    }

    /**
     * Reference token ids and vector prefixes of sentence-transformers' all-MiniLM-L6-v2 for these
     * texts (the figures that other ports of the model publish in their test suites, and that
     * sentence-transformers' model card example prints: 0.0677, 0.0635, ... for the first).
     */
    @Test
    void matchesSentenceTransformersReferenceVectors() throws Exception {
        List<String> texts =
                List.of(
                        "This is an example sentence",
                        "Each sentence is converted.",
                        "",
                        "Café déjà vu — 東京");
        long[][] ids = {
            {101, 2023, 2003, 2019, 2742, 6251, 102},
            {101, 2169, 6251, 2003, 4991, 1012, 102},
            {101, 102},
            {101, 7668, 2139, 3900, 24728, 1517, 1879, 1755, 102}
        };
        float[][] prefixes = {
            {0.06765693f, 0.06349593f, 0.04871314f, 0.07930495f, 0.03744806f, 0.00265273f},
            {0.07853645f, 0.08856265f, -0.00209270f, -0.00717247f, -0.01252624f, 0.01881747f},
            {-0.11883835f, 0.04829856f, -0.00254805f, -0.01101118f, 0.05195070f, 0.01029179f},
            {0.05083271f, 0.00967685f, 0.09635572f, -0.00997369f, -0.01987603f, 0.01692343f}
        };
        TokenizedBatch batch = runner.tokenize(texts);
        List<byte[]> payloads = new ArrayList<>();
        texts.forEach(t -> payloads.add(t.getBytes(StandardCharsets.UTF_8)));
        List<ItemResult> results = runner.infer(payloads);

        for (int i = 0; i < texts.size(); i++) {
            assertThat(batch.ids(i)).as("ids of '%s'", texts.get(i)).containsExactly(ids[i]);
            float[] vector = Vectors.floats(results.get(i).payload());
            for (int d = 0; d < prefixes[i].length; d++) {
                assertThat(vector[d])
                        .as("'%s' [%d]", texts.get(i), d)
                        .isCloseTo(prefixes[i][d], offset(1e-5f));
            }
        }
    }

    @Test
    void smallerMaxSequenceLengthIsHonoured() throws Exception {
        try (TextEmbeddingRunner short64 =
                TextEmbeddingRunner.open(
                        OrtEnvironments.get(),
                        session,
                        ModelLocation.of("classpath:/all-minilm-l6-v2-tokenizer.json"),
                        64)) {
            long[] ids = short64.tokenize(List.of(Sentences.LONG_TEXT)).ids(0);
            assertThat(ids).hasSize(64);
            assertThat(ids[63]).isEqualTo(SEP);
            assertThat(short64.describe().getMaxSequenceLength()).isEqualTo(64);
        }
    }

    private static byte[] embed(String text) throws Exception {
        return runner.infer(List.of(text.getBytes(StandardCharsets.UTF_8))).get(0).payload();
    }
}
