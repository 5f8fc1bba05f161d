package io.flinkinference.sidecar.backend.mock;

import io.flinkinference.sidecar.SidecarOptions;
import io.flinkinference.sidecar.api.v1.ModelInfo;
import io.flinkinference.sidecar.api.v1.TensorSpec;
import io.flinkinference.sidecar.backend.InferenceBackend;
import io.flinkinference.sidecar.backend.ItemResult;

import org.apache.flink.configuration.Configuration;

import com.google.rpc.Code;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The test and benchmark backend: deterministic identity.
 *
 * <ul>
 *   <li>Output: each item's result is its input payload, byte for byte (model {@value
 *       #DEFAULT_MODEL_NAME} by default, mode {@code identity}, dtype {@code bytes}).
 *   <li>Failure: an item whose payload starts with the ASCII bytes {@code FAIL} fails with {@code
 *       INTERNAL}; the other items of its batch succeed.
 *   <li>Latency: each call sleeps {@code sidecar.mock.latency.fixed + sidecar.mock.latency.per-item
 *       × batchSize} (a sleep, not a spin, so it costs no CPU).
 * </ul>
 *
 * <p>Thread-safe: {@link #infer(List)} keeps no state between calls.
 */
public final class MockBackend implements InferenceBackend {

    /** The model name the mock serves unless {@code sidecar.mock.model-name} says otherwise. */
    public static final String DEFAULT_MODEL_NAME = "mock";

    private static final byte[] FAIL = "FAIL".getBytes(StandardCharsets.US_ASCII);

    private long fixedNanos;
    private long perItemNanos;
    private ModelInfo info;

    @Override
    public void open(Configuration config) {
        fixedNanos = config.get(MockBackendOptions.LATENCY_FIXED).toNanos();
        perItemNanos = config.get(MockBackendOptions.LATENCY_PER_ITEM).toNanos();
        TensorSpec bytes = TensorSpec.newBuilder().setDtype("bytes").addShape(-1).build();
        info =
                ModelInfo.newBuilder()
                        .setName(config.get(MockBackendOptions.MODEL_NAME))
                        .setBackend(MockBackendFactory.NAME)
                        .setMode("identity")
                        .setInput(bytes)
                        .setOutput(bytes)
                        .setMaxBatchSize(config.get(SidecarOptions.BATCH_MAX_SIZE))
                        .putProperties("latency.fixed.ns", Long.toString(fixedNanos))
                        .putProperties("latency.per-item.ns", Long.toString(perItemNanos))
                        .build();
    }

    @Override
    public ModelInfo info() {
        return info;
    }

    @Override
    public List<ItemResult> infer(List<byte[]> payloads) throws InterruptedException {
        long sleep = fixedNanos + perItemNanos * payloads.size();
        if (sleep > 0) {
            TimeUnit.NANOSECONDS.sleep(sleep);
        }
        List<ItemResult> results = new ArrayList<>(payloads.size());
        for (byte[] payload : payloads) {
            results.add(
                    startsWithFail(payload)
                            ? ItemResult.error(
                                    Code.INTERNAL,
                                    "mock backend: payload starts with FAIL (deliberate failure)")
                            : ItemResult.ok(payload));
        }
        return results;
    }

    private static boolean startsWithFail(byte[] payload) {
        return payload.length >= FAIL.length
                && Arrays.equals(payload, 0, FAIL.length, FAIL, 0, FAIL.length);
    }

    @Override
    public void close() {}
}
