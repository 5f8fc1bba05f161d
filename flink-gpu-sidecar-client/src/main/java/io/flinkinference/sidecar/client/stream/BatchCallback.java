package io.flinkinference.sidecar.client.stream;

/**
 * What an {@link InferConnection} reports one batch's outcome to. Called from the connection's I/O
 * thread only (apart from {@link #isDone()}, which any thread may call).
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
