package io.flinkinference.sidecar.client.codec;

/**
 * Sends {@code byte[]} unchanged and returns the result bytes unchanged. Stateless, thread-safe.
 */
public final class BytesCodec implements TensorCodec<byte[], byte[]> {

    private static final long serialVersionUID = 1L;

    static final BytesCodec INSTANCE = new BytesCodec();

    @Override
    public byte[] encode(byte[] input) {
        return input;
    }

    @Override
    public byte[] decode(byte[] input, byte[] output) {
        return output;
    }

    private Object readResolve() {
        return INSTANCE;
    }

    @Override
    public String toString() {
        return "bytes";
    }
}
