package io.flinkinference.sidecar.onnx.text;

import io.flinkinference.sidecar.api.v1.ModelInfo;
import io.flinkinference.sidecar.api.v1.TensorSpec;
import io.flinkinference.sidecar.backend.ItemResult;
import io.flinkinference.sidecar.onnx.ModeRunner;
import io.flinkinference.sidecar.onnx.ModelLocation;
import io.flinkinference.sidecar.onnx.OnnxOptions;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import com.google.rpc.Code;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code text-embedding} mode for sentence-transformer models (BERT-style ONNX graphs with inputs
 * {@code input_ids}, {@code attention_mask} and optionally {@code token_type_ids}, and a {@code
 * last_hidden_state} output of shape {@code [batch, tokens, dimension]}).
 *
 * <p>Per batch: each payload is decoded as strict UTF-8, tokenized with the model's HuggingFace
 * tokenizer (special tokens added, truncated at {@code sidecar.onnx.max-sequence-length} keeping
 * the final {@code [SEP]}; the tokenizer file's own truncation and padding are overridden), the
 * batch is right-padded to its longest item with attention mask 0, run once, and each item's hidden
 * states are mean-pooled over its own real tokens and L2-normalised. The result is {@code
 * dimension} float32 values, little-endian.
 *
 * <p>Batch invariance: right padding leaves every real token's position unchanged, the attention
 * mask gives padded keys exactly zero weight, and pooling reads only the item's own rows, so a
 * text's vector does not depend on its neighbours or their lengths beyond float rounding in the
 * runtime's matrix kernels.
 *
 * <p>Thread-safe: concurrent {@link #infer(List)} calls share only the tokenizer and the session,
 * both safe for concurrent use. Invalid UTF-8 is answered {@code INVALID_ARGUMENT} for that item
 * only.
 */
public final class TextEmbeddingRunner implements ModeRunner {

    private static final Logger LOG = LoggerFactory.getLogger(TextEmbeddingRunner.class);

    static final String INPUT_IDS = "input_ids";
    static final String ATTENTION_MASK = "attention_mask";
    static final String TOKEN_TYPE_IDS = "token_type_ids";
    static final String HIDDEN_STATE = "last_hidden_state";

    private final OrtEnvironment env;
    private final OrtSession session;
    private final HuggingFaceTokenizer tokenizer;
    private final ModelLocation tokenizerLocation;
    private final int maxSequenceLength;
    private final boolean feedsTokenTypes;
    private final String outputName;
    private final int dimension;

    private TextEmbeddingRunner(
            OrtEnvironment env,
            OrtSession session,
            HuggingFaceTokenizer tokenizer,
            ModelLocation tokenizerLocation,
            int maxSequenceLength,
            boolean feedsTokenTypes,
            String outputName,
            int dimension) {
        this.env = env;
        this.session = session;
        this.tokenizer = tokenizer;
        this.tokenizerLocation = tokenizerLocation;
        this.maxSequenceLength = maxSequenceLength;
        this.feedsTokenTypes = feedsTokenTypes;
        this.outputName = outputName;
        this.dimension = dimension;
    }

    /**
     * Checks the model's inputs and outputs, loads the tokenizer and runs one text of the maximum
     * length, so that a model that cannot take {@code maxSequenceLength} tokens fails here.
     *
     * @throws IllegalArgumentException if the model does not look like a sentence-transformer or
     *     cannot run {@code maxSequenceLength} tokens
     * @throws IOException if the tokenizer cannot be read
     */
    public static TextEmbeddingRunner open(
            OrtEnvironment env,
            OrtSession session,
            ModelLocation tokenizerLocation,
            int maxSequenceLength)
            throws IOException, OrtException {
        if (maxSequenceLength < 2) {
            throw new IllegalArgumentException(
                    OnnxOptions.MAX_SEQUENCE_LENGTH.key()
                            + " must leave room for [CLS] and [SEP], got "
                            + maxSequenceLength);
        }
        Set<String> inputs = session.getInputNames();
        Set<String> known = Set.of(INPUT_IDS, ATTENTION_MASK, TOKEN_TYPE_IDS);
        if (!inputs.contains(INPUT_IDS)
                || !inputs.contains(ATTENTION_MASK)
                || !known.containsAll(inputs)) {
            throw new IllegalArgumentException(
                    "text-embedding mode needs a model with inputs "
                            + INPUT_IDS
                            + ", "
                            + ATTENTION_MASK
                            + " (and optionally "
                            + TOKEN_TYPE_IDS
                            + "); this one has "
                            + inputs);
        }
        Map<String, NodeInfo> outputs = session.getOutputInfo();
        NodeInfo output =
                outputs.containsKey(HIDDEN_STATE)
                        ? outputs.get(HIDDEN_STATE)
                        : outputs.values().iterator().next();
        if (!(output.getInfo() instanceof TensorInfo)
                || ((TensorInfo) output.getInfo()).type != OnnxJavaType.FLOAT
                || ((TensorInfo) output.getInfo()).getShape().length != 3) {
            throw new IllegalArgumentException(
                    "text-embedding mode needs a float32 [batch, tokens, dimension] output; '"
                            + output.getName()
                            + "' is "
                            + output.getInfo());
        }
        HuggingFaceTokenizer tokenizer = loadTokenizer(tokenizerLocation, maxSequenceLength);
        try {
            TextEmbeddingRunner probe =
                    new TextEmbeddingRunner(
                            env,
                            session,
                            tokenizer,
                            tokenizerLocation,
                            maxSequenceLength,
                            inputs.contains(TOKEN_TYPE_IDS),
                            output.getName(),
                            -1);
            int dimension = probe.warmUp();
            return new TextEmbeddingRunner(
                    env,
                    session,
                    tokenizer,
                    tokenizerLocation,
                    maxSequenceLength,
                    probe.feedsTokenTypes,
                    probe.outputName,
                    dimension);
        } catch (OrtException | RuntimeException e) {
            tokenizer.close();
            throw e;
        }
    }

    private static HuggingFaceTokenizer loadTokenizer(ModelLocation location, int maxLength)
            throws IOException {
        // Explicit options override tokenizer.json's own "truncation: 128" and "padding: Fixed
        // 128".
        Map<String, String> options = new HashMap<>();
        options.put("addSpecialTokens", "true");
        options.put("truncation", "true");
        options.put("maxLength", Integer.toString(maxLength));
        options.put("modelMaxLength", Integer.toString(maxLength));
        options.put("padding", "false");
        try (InputStream in = location.open()) {
            return HuggingFaceTokenizer.newInstance(in, options);
        }
    }

    /** Runs one text of the maximum length; returns the model's hidden dimension. */
    private int warmUp() throws OrtException {
        String longText = "hello ".repeat(maxSequenceLength);
        TokenizedBatch batch = tokenize(List.of(longText));
        try {
            float[][] hidden = embed(batch, -1);
            LOG.debug(
                    "text-embedding warm-up: {} tokens, dimension {}",
                    batch.sequenceLength,
                    hidden[0].length);
            return hidden[0].length;
        } catch (OrtException e) {
            throw new IllegalArgumentException(
                    "the model cannot run a text of "
                            + OnnxOptions.MAX_SEQUENCE_LENGTH.key()
                            + " = "
                            + maxSequenceLength
                            + " tokens (is it above the model's limit?): "
                            + e.getMessage(),
                    e);
        }
    }

    @Override
    public ModelInfo.Builder describe() {
        return ModelInfo.newBuilder()
                .setMode("text-embedding")
                .setInput(TensorSpec.newBuilder().setDtype("utf8").addShape(-1))
                .setOutput(TensorSpec.newBuilder().setDtype("float32").addShape(dimension))
                .setMaxSequenceLength(maxSequenceLength)
                .setEmbeddingDimension(dimension)
                .putProperties("tokenizer-path", tokenizerLocation.toString())
                .putProperties("pooling", "mean over attention mask, L2-normalised")
                .putProperties("padding", "right, to the longest item of each batch");
    }

    @Override
    public List<ItemResult> infer(List<byte[]> payloads) throws OrtException {
        ItemResult[] results = new ItemResult[payloads.size()];
        List<Integer> valid = new ArrayList<>(payloads.size());
        List<String> texts = new ArrayList<>(payloads.size());
        for (int i = 0; i < payloads.size(); i++) {
            byte[] payload = payloads.get(i);
            String text = decodeUtf8(payload);
            if (text == null) {
                results[i] =
                        ItemResult.error(
                                Code.INVALID_ARGUMENT,
                                "payload is not valid UTF-8 (malformed at byte "
                                        + malformedOffset(payload)
                                        + " of "
                                        + payload.length
                                        + ")");
            } else {
                valid.add(i);
                texts.add(text);
            }
        }
        if (!texts.isEmpty()) {
            float[][] vectors = embed(tokenize(texts), dimension);
            for (int k = 0; k < vectors.length; k++) {
                results[valid.get(k)] = ItemResult.ok(toLittleEndian(vectors[k]));
            }
        }
        return Arrays.asList(results);
    }

    /** Tokenizes and pads a batch exactly as {@link #infer(List)} does; the seam for tests. */
    TokenizedBatch tokenize(List<String> texts) {
        List<Encoding> encodings = new ArrayList<>(texts.size());
        for (String text : texts) {
            encodings.add(tokenizer.encode(text, true, false));
        }
        return TokenizedBatch.of(encodings);
    }

    /** Runs the model on a tokenized batch; returns one pooled, normalised vector per item. */
    float[][] embed(TokenizedBatch batch, int expectedDimension) throws OrtException {
        long[] shape = {batch.size, batch.sequenceLength};
        Map<String, OnnxTensor> feeds = new HashMap<>();
        try {
            feeds.put(
                    INPUT_IDS,
                    OnnxTensor.createTensor(env, LongBuffer.wrap(batch.inputIds), shape));
            feeds.put(
                    ATTENTION_MASK,
                    OnnxTensor.createTensor(env, LongBuffer.wrap(batch.attentionMask), shape));
            if (feedsTokenTypes) {
                feeds.put(
                        TOKEN_TYPE_IDS,
                        OnnxTensor.createTensor(env, LongBuffer.wrap(batch.tokenTypeIds), shape));
            }
            try (OrtSession.Result result = session.run(feeds, Set.of(outputName))) {
                OnnxValue value = result.get(0);
                long[] outShape = ((OnnxTensor) value).getInfo().getShape();
                if (outShape.length != 3
                        || outShape[0] != batch.size
                        || outShape[1] != batch.sequenceLength
                        || (expectedDimension > 0 && outShape[2] != expectedDimension)) {
                    throw new IllegalStateException(
                            "output '"
                                    + outputName
                                    + "' has shape "
                                    + Arrays.toString(outShape)
                                    + " for a batch of "
                                    + Arrays.toString(shape));
                }
                return meanPoolAndNormalise(
                        ((OnnxTensor) value).getFloatBuffer(), batch, Math.toIntExact(outShape[2]));
            }
        } finally {
            feeds.values().forEach(OnnxTensor::close);
        }
    }

    /**
     * Mean over each item's real tokens (its attention mask), then L2 normalisation. Summation is
     * in double and in token order, the same for an item whatever batch it is in.
     */
    static float[][] meanPoolAndNormalise(FloatBuffer hidden, TokenizedBatch batch, int dim) {
        float[][] vectors = new float[batch.size][dim];
        double[] sum = new double[dim];
        for (int i = 0; i < batch.size; i++) {
            Arrays.fill(sum, 0.0);
            int base = i * batch.sequenceLength * dim;
            int tokens = batch.lengths[i];
            for (int t = 0; t < tokens; t++) {
                int row = base + t * dim;
                for (int d = 0; d < dim; d++) {
                    sum[d] += hidden.get(row + d);
                }
            }
            double norm = 0;
            for (int d = 0; d < dim; d++) {
                sum[d] /= tokens;
                norm += sum[d] * sum[d];
            }
            norm = Math.max(Math.sqrt(norm), 1e-12);
            for (int d = 0; d < dim; d++) {
                vectors[i][d] = (float) (sum[d] / norm);
            }
        }
        return vectors;
    }

    private static byte[] toLittleEndian(float[] vector) {
        ByteBuffer bytes = ByteBuffer.allocate(vector.length * Float.BYTES);
        bytes.order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().put(vector);
        return bytes.array();
    }

    /** Strict UTF-8 decoding; null if the bytes are not valid UTF-8. */
    private static String decodeUtf8(byte[] payload) {
        CharBuffer out = CharBuffer.allocate(payload.length);
        ByteBuffer in = ByteBuffer.wrap(payload);
        CharsetDecoder decoder = strictDecoder();
        if (decoder.decode(in, out, true).isError() || decoder.flush(out).isError()) {
            return null;
        }
        return out.flip().toString();
    }

    private static int malformedOffset(byte[] payload) {
        ByteBuffer in = ByteBuffer.wrap(payload);
        CoderResult result = strictDecoder().decode(in, CharBuffer.allocate(payload.length), true);
        return result.isError() ? in.position() : payload.length;
    }

    private static CharsetDecoder strictDecoder() {
        return StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
