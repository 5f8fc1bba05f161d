package io.flinkinference.sidecar.onnx.text;

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
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

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
