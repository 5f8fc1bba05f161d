package io.flinkinference.asyncbatch.queue;

import org.apache.flink.streaming.api.watermark.Watermark;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.Consumer;

/**
 * Emits batches strictly in the order they were sent: a completed batch waits for every batch sent
 * before it.
 */
public final class OrderedBatchResultQueue<B extends BatchResultQueue.Entry>
        implements BatchResultQueue<B> {

    /** Batches and watermarks in stream order; an element is either a B or a Watermark. */
    private final Deque<Object> entries = new ArrayDeque<>();

    private int batchCount;

    @Override
    public void addBatch(B batch) {
        entries.addLast(batch);
        batchCount++;
    }

    @Override
    public void addWatermark(Watermark watermark) {
        if (entries.peekLast() instanceof Watermark) {
            entries.pollLast();
        }
        entries.addLast(watermark);
    }

    @Override
    public void markCompleted(B batch) {
        // Order alone decides emission; the batch's own flag is read in emitCompleted.
    }

    @Override
    @SuppressWarnings("unchecked")
    public int emitCompleted(Consumer<B> batchEmitter, Consumer<Watermark> watermarkEmitter) {
        int emitted = 0;
        while (!entries.isEmpty()) {
            Object head = entries.peekFirst();
            if (head instanceof Watermark) {
                entries.pollFirst();
                watermarkEmitter.accept((Watermark) head);
            } else if (((B) head).isCompleted()) {
                entries.pollFirst();
                batchCount--;
                emitted++;
                batchEmitter.accept((B) head);
            } else {
                break;
            }
        }
        return emitted;
    }

    @Override
    public int batchCount() {
        return batchCount;
    }

    @Override
    public boolean isEmpty() {
        return entries.isEmpty();
    }

    @Override
    @SuppressWarnings("unchecked")
    public void forEachPending(Consumer<B> batchVisitor, Consumer<Watermark> watermarkVisitor) {
        for (Object entry : entries) {
            if (entry instanceof Watermark) {
                watermarkVisitor.accept((Watermark) entry);
            } else {
                batchVisitor.accept((B) entry);
            }
        }
    }
}
