package io.flinkinference.asyncbatch.queue;

import org.apache.flink.streaming.api.watermark.Watermark;

import java.util.function.Consumer;

/**
 * Holds the batches that have been sent but not emitted yet, interleaved with the watermarks that
 * arrived between them, and decides the order in which completed batches leave.
 *
 * <p>Watermarks are never overtaken: a batch sent after a watermark is emitted after it, and a
 * watermark is emitted only after every batch sent before it. Consecutive watermarks with no batch
 * between them are coalesced into the latest one, so the queue holds at most one watermark more
 * than it holds batches.
 *
 * <p>Not thread-safe: used from the task (mailbox) thread only.
 *
 * @param <B> the batch type
 */
public interface BatchResultQueue<B extends BatchResultQueue.Entry> {

    /** A batch in the queue; the queue asks it whether its results are in. */
    interface Entry {
        boolean isCompleted();
    }

    /** Adds a batch that has just been sent. */
    void addBatch(B batch);

    /** Adds a watermark behind every batch added so far. */
    void addWatermark(Watermark watermark);

    /** Tells the queue that {@code batch} (already added) now has its results. */
    void markCompleted(B batch);

    /**
     * Emits, in this queue's order, every batch and watermark that may leave now.
     *
     * @return the number of batches emitted
     */
    int emitCompleted(Consumer<B> batchEmitter, Consumer<Watermark> watermarkEmitter);

    /** Batches added and not yet emitted (completed or not). */
    int batchCount();

    /** Whether nothing (no batch, no watermark) is waiting. */
    boolean isEmpty();

    /** Visits every waiting batch and watermark in their stream order, for snapshots. */
    void forEachPending(Consumer<B> batchVisitor, Consumer<Watermark> watermarkVisitor);
}
