package io.flinkinference.e2e.job;

import io.flinkinference.sidecar.client.codec.TensorCodec;

import java.util.Arrays;

/**
 * Sends {@link E2eRecords#payload(long, boolean)} for record {@code i} and turns the sidecar's
 * answer into the output line {@code i,OK} when it is the echo of the payload (what the mock and
 * the stall backends answer), {@code i,MISMATCH} otherwise. Stateless, so thread-safe.
 */
public final class EchoCodec implements TensorCodec<Long, String> {

    private static final long serialVersionUID = 1L;

    private final boolean badInput;

    public EchoCodec(boolean badInput) {
        this.badInput = badInput;
    }

    @Override
    public byte[] encode(Long input) {
        return E2eRecords.payload(input, badInput);
    }

    @Override
    public String decode(Long input, byte[] output) {
        boolean echo = Arrays.equals(E2eRecords.payload(input, badInput), output);
        return E2eRecords.line(input, echo ? E2eRecords.OK : E2eRecords.MISMATCH);
    }
}
