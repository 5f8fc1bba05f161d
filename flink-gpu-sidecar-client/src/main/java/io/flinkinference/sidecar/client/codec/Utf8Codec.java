package io.flinkinference.sidecar.client.codec;

import java.nio.charset.StandardCharsets;

/** Sends a {@link String} as UTF-8 and decodes the result as UTF-8. Stateless, thread-safe. */
public final class Utf8Codec implements TensorCodec<String, String> {

    private static final long serialVersionUID = 1L;

    static final Utf8Codec INSTANCE = new Utf8Codec();

    @Override
    public byte[] encode(String input) {
        return input.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String decode(String input, byte[] output) {
        return new String(output, StandardCharsets.UTF_8);
    }

    private Object readResolve() {
        return INSTANCE;
    }

    @Override
    public String toString() {
        return "utf8";
    }
}
