package io.flinkinference.sidecar.testing;

import io.flinkinference.sidecar.api.v1.ModelInfo;
import io.flinkinference.sidecar.backend.InferenceBackend;
import io.flinkinference.sidecar.backend.ItemResult;
import io.flinkinference.sidecar.backend.mock.MockBackend;

import org.apache.flink.configuration.Configuration;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * A test backend whose calls block until the test lets them through: each {@link #infer} call
 * records its payloads, releases one {@link #entered} permit and waits for one {@link #gate}
 * permit; then it answers like the mock (identity, {@code FAIL} items fail). State is static
 * because the server creates the instance; {@link #reset()} before each test.
 */
public final class GatedBackend implements InferenceBackend {

    /** Released once per call that entered the backend. */
    public static final Semaphore entered = new Semaphore(0);

    /** One permit lets one call through. */
    public static final Semaphore gate = new Semaphore(0);

    /** The payloads of every call, as UTF-8 strings. */
    public static final List<List<String>> calls = new CopyOnWriteArrayList<>();

    private final MockBackend mock = new MockBackend();

    public static void reset() {
        entered.drainPermits();
        gate.drainPermits();
        calls.clear();
    }

    /** Lets every current and future call through. */
    public static void openGate() {
        gate.release(1_000_000);
    }

    /** Waits until {@code n} more calls have entered the backend. */
    public static void awaitEntered(int n) throws InterruptedException {
        if (!entered.tryAcquire(n, 10, TimeUnit.SECONDS)) {
            throw new AssertionError("backend calls did not arrive: " + calls);
        }
    }

    @Override
    public void open(Configuration config) {
        mock.open(config);
    }

    @Override
    public ModelInfo info() {
        return mock.info().toBuilder()
                .setName("gated")
                .setBackend(GatedBackendFactory.NAME)
                .build();
    }

    @Override
    public List<ItemResult> infer(List<byte[]> payloads) throws InterruptedException {
        List<String> strings = new ArrayList<>();
        payloads.forEach(p -> strings.add(new String(p, StandardCharsets.UTF_8)));
        calls.add(strings);
        entered.release();
        gate.acquire();
        return mock.infer(payloads);
    }

    @Override
    public void close() {}
}
