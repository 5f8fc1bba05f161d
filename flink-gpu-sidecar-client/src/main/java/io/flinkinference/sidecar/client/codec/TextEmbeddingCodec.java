package io.flinkinference.sidecar.client.codec;

/**
 * Sends a {@link String} as UTF-8 and decodes the answer as a little-endian float32 vector: the
 * payload encoding of a {@code text-embedding} backend (e.g. the ONNX backend's default
 * all-MiniLM-L6-v2, whose answer is 384 L2-normalised floats). Stateless, thread-safe; reuses
 * {@link Utf8Codec} and {@link Float32Codec}.
 */
public final class TextEmbeddingCodec implements TensorCodec<String, float[]> {

    private static final long serialVersionUID = 1L;

    static final TextEmbeddingCodec INSTANCE = new TextEmbeddingCodec();

    @Override
    public byte[] encode(String input) {
        return Utf8Codec.INSTANCE.encode(input);
    }

    /**
     * @throws IllegalArgumentException if {@code output} is not a multiple of 4 bytes
     */
    @Override
    public float[] decode(String input, byte[] output) {
        return Float32Codec.INSTANCE.decode(null, output);
    }

    private Object readResolve() {
        return INSTANCE;
    }

    @Override
    public String toString() {
        return "utf8 -> float32";
    }
}
