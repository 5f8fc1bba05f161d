package io.flinkinference.sidecar.backend;

import io.flinkinference.sidecar.api.v1.ModelInfo;

import org.apache.flink.configuration.Configuration;

import java.util.List;

/**
 * A model runtime that the sidecar hands whole batches to.
 *
 * <p>Lifecycle: the sidecar creates one instance per model through its {@link
 * InferenceBackendFactory}, calls {@link #open(Configuration)} once before serving, then {@link
 * #infer(List)} from up to {@code sidecar.backend.workers} threads at once, and {@link #close()}
 * once after the last call has returned. Implementations must therefore be safe for concurrent
 * {@code infer} calls.
 *
 * <p>Batch invariance: the result for one payload must not depend on the other payloads of the same
 * call, on their number or on their order. Batching is a throughput device; it must never change an
 * answer.
 *
 * <p>Failure semantics: a payload the backend cannot process yields an error {@link ItemResult} for
 * that item only; the other items of the batch still get their results. An exception thrown from
 * {@code infer} fails every item of the batch with {@code INTERNAL}.
 *
 * <p>Example:
 *
 * <pre>{@code
 * public final class UpperCaseBackend implements InferenceBackend {
 *     public void open(Configuration config) {}
 *     public ModelInfo info() { return ModelInfo.newBuilder().setName("upper").build(); }
 *     public List<ItemResult> infer(List<byte[]> payloads) {
 *         List<ItemResult> results = new ArrayList<>(payloads.size());
 *         for (byte[] p : payloads) {
 *             results.add(ItemResult.ok(new String(p, UTF_8).toUpperCase().getBytes(UTF_8)));
 *         }
 *         return results;
 *     }
 *     public void close() {}
 * }
 * }</pre>
 */
public interface InferenceBackend extends AutoCloseable {

    /** Loads the model. Called once, before any {@link #infer(List)}. */
    void open(Configuration config) throws Exception;

    /** Describes the loaded model; valid after {@link #open(Configuration)}. */
    ModelInfo info();

    /**
     * Runs one batch.
     *
     * @param payloads one item's tensor bytes each, in the encoding {@link #info()} describes
     * @return exactly one result per payload, in the same order
     */
    List<ItemResult> infer(List<byte[]> payloads) throws Exception;

    /** Releases the model. Called once, after the last {@link #infer(List)} has returned. */
    @Override
    void close() throws Exception;
}
