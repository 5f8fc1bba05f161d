package io.flinkinference.sidecar.onnx.text;

import ai.djl.huggingface.tokenizers.Encoding;

import java.util.Arrays;
import java.util.List;

/**
 * The model inputs of one text batch, right-padded to the batch's longest item (pad id 0, attention
 * mask 0, token type 0), as flat row-major {@code [size, sequenceLength]} arrays. Immutable after
 * construction; the arrays are not copied.
 */
final class TokenizedBatch {

    final long[] inputIds;
    final long[] attentionMask;
    final long[] tokenTypeIds;

    /** Real (unpadded) token count of each item, [CLS] and [SEP] included. */
    final int[] lengths;

    final int size;
    final int sequenceLength;

    private TokenizedBatch(long[][] ids, long[][] typeIds, int sequenceLength) {
        this.size = ids.length;
        this.sequenceLength = sequenceLength;
        this.lengths = new int[size];
        this.inputIds = new long[size * sequenceLength];
        this.attentionMask = new long[size * sequenceLength];
        this.tokenTypeIds = new long[size * sequenceLength];
        for (int i = 0; i < size; i++) {
            lengths[i] = ids[i].length;
            int row = i * sequenceLength;
            System.arraycopy(ids[i], 0, inputIds, row, lengths[i]);
            System.arraycopy(typeIds[i], 0, tokenTypeIds, row, lengths[i]);
            // The mask comes from the real length, not from the tokenizer: padding is ours alone.
            Arrays.fill(attentionMask, row, row + lengths[i], 1L);
        }
    }

    /** The encodings of one batch, padded to the longest of them. */
    static TokenizedBatch of(List<Encoding> encodings) {
        if (encodings.isEmpty()) {
            throw new IllegalArgumentException("an empty batch has nothing to tokenize");
        }
        long[][] ids = new long[encodings.size()][];
        long[][] typeIds = new long[encodings.size()][];
        int longest = 0;
        for (int i = 0; i < ids.length; i++) {
            ids[i] = encodings.get(i).getIds();
            typeIds[i] = encodings.get(i).getTypeIds();
            longest = Math.max(longest, ids[i].length);
        }
        return new TokenizedBatch(ids, typeIds, longest);
    }

    /**
     * The same items padded to {@code length} tokens instead of to the longest item (for measuring
     * and testing that the amount of padding does not change results).
     */
    TokenizedBatch padTo(int length) {
        if (length < sequenceLength) {
            throw new IllegalArgumentException(
                    "cannot pad " + sequenceLength + " tokens down to " + length);
        }
        long[][] ids = new long[size][];
        long[][] typeIds = new long[size][];
        for (int i = 0; i < size; i++) {
            ids[i] = ids(i);
            typeIds[i] =
                    Arrays.copyOfRange(
                            tokenTypeIds, i * sequenceLength, i * sequenceLength + lengths[i]);
        }
        return new TokenizedBatch(ids, typeIds, length);
    }

    /** The token ids of item {@code i} without padding. */
    long[] ids(int i) {
        long[] ids = new long[lengths[i]];
        System.arraycopy(inputIds, i * sequenceLength, ids, 0, lengths[i]);
        return ids;
    }
}
