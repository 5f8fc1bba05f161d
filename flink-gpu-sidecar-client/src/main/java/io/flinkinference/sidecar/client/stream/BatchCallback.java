package io.flinkinference.sidecar.client.stream;

/**
 * What an {@link InferConnection} reports one batch's outcome to. Called from the connection's I/O
 * thread only (apart from {@link #isDone()}, which any thread may call). Results arrive in
 * completion order, one call per item index; the implementation restores input order.
 *
 * <p>Example: {@code connection.submit(callback, payloads)} with a callback that completes a future
 * when {@code size()} items have called {@link #onItemResult}.
 */
public interface BatchCallback {

    /** The number of items of the batch. */
    int size();

    /** Item {@code index} succeeded with these result bytes. */
    void onItemResult(int index, byte[] payload);

    /** The batch failed; the first failure wins, later calls are ignored. */
    void onFailure(Throwable error);

    /**
     * Whether the batch is finished (completed, failed or abandoned); its remaining items are then
     * dropped instead of sent.
     */
    boolean isDone();
}
