package io.flinkinference.sidecar.client.stream;

/** One item of a batch while the connection owns it. Confined to the connection's I/O thread. */
final class PendingItem {

    final BatchCallback batch;
    final int index;
    final byte[] payload;

    /** The request id of the latest send; unique per stream. */
    long requestId;

    long sentNanos;
    int sends;
    int rejections;
    long firstRejectedNanos = -1;

    PendingItem(BatchCallback batch, int index, byte[] payload) {
        this.batch = batch;
        this.index = index;
        this.payload = payload;
    }
}
