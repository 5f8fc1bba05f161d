package io.flinkinference.examples.demo;

import io.flinkinference.sidecar.client.codec.TensorCodec;

import java.util.Arrays;

/**
 * Sends a record's vector as float32 and checks the answer against what the mock backend must
 * return (its input: the mock is identity), so the demo's "correct" count is measured, not assumed.
 */
public final class CheckingVectorCodec implements TensorCodec<DemoRecord, DemoResult> {

    private static final long serialVersionUID = 1L;

    @Override
    public byte[] encode(DemoRecord input) {
        return TensorCodec.float32().encode(input.vector);
    }

    @Override
    public DemoResult decode(DemoRecord input, byte[] output) {
        float[] answer = TensorCodec.float32().decode(input.vector, output);
        return new DemoResult(input.id, input.createdNanos, Arrays.equals(answer, input.vector));
    }
}
