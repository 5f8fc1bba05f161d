package io.flinkinference.sidecar.client.codec;

import java.io.Serializable;

/**
 * Turns one input record into the payload bytes of one sidecar request, and the sidecar's result
 * bytes back into an output record.
 *
 * <p>The payload encoding is defined by the sidecar's backend and described by its {@code
 * ModelInfo} (for example {@code float32}, little-endian, row-major). Ready-made codecs: {@link
 * #float32()}, {@link #bytes()}, {@link #utf8()} and {@link #utf8ToFloat32()} (text in, embedding
 * out).
 *
 * <p>Thread-safety: a codec instance is shipped with the job (it must be {@link Serializable}) and
 * may be called from several threads at once (the task thread encodes, the client's I/O thread
 * decodes), so implementations must be stateless or thread-safe.
 *
 * <p>Failure semantics: an exception from {@link #encode} or {@link #decode} fails the batch the
 * record belongs to, naming the item's index in the batch.
 *
 * <p>Example: a codec that sends a sentence and returns the sentence with its embedding (for the
 * embedding alone, use {@link #utf8ToFloat32()}).
 *
 * <pre>{@code
 * TensorCodec<String, Embedded> codec = new TensorCodec<>() {
 *     public byte[] encode(String text) {
 *         return text.getBytes(StandardCharsets.UTF_8);
 *     }
 *     public Embedded decode(String text, byte[] output) {
 *         return new Embedded(text, TensorCodec.float32().decode(null, output));
 *     }
 * };
 * }</pre>
 *
 * @param <IN> the input record type
 * @param <OUT> the output record type
 */
public interface TensorCodec<IN, OUT> extends Serializable {

    /** The payload of the request for {@code input}; must not be {@code null}. */
    byte[] encode(IN input) throws Exception;

    /**
     * The output record for {@code input}, given the sidecar's result bytes.
     *
     * @param input the record the request was made for (useful to join input and result)
     * @param output the result tensor bytes of that item; owned by the codec from now on
     */
    OUT decode(IN input, byte[] output) throws Exception;

    /** {@code float[]} as little-endian IEEE-754 float32, in and out. */
    static Float32Codec float32() {
        return Float32Codec.INSTANCE;
    }

    /** Raw bytes in and out, unchanged. */
    static BytesCodec bytes() {
        return BytesCodec.INSTANCE;
    }

    /** {@link String} as UTF-8 text in and out. */
    static Utf8Codec utf8() {
        return Utf8Codec.INSTANCE;
    }

    /**
     * {@link String} as UTF-8 in, {@code float[]} as little-endian float32 out: text in, embedding
     * out, for a {@code text-embedding} backend such as {@code sidecar.backend=onnx}.
     */
    static TextEmbeddingCodec utf8ToFloat32() {
        return TextEmbeddingCodec.INSTANCE;
    }
}
