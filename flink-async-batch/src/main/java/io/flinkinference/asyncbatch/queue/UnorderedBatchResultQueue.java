package io.flinkinference.asyncbatch.queue;

import org.apache.flink.streaming.api.watermark.Watermark;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Emits each batch as soon as it completes, except that batches never overtake a watermark.
 *
 * <p>The queue is a sequence of segments, each closed by the watermark that followed its batches
 * (the last segment may be open). Only the first segment may emit; once all its batches have been
 * emitted, its watermark is emitted and the next segment becomes first. This is the same
 * watermark-segmented scheme as Flink's {@code UnorderedStreamElementQueue}.
 */
public final class UnorderedBatchResultQueue<B extends BatchResultQueue.Entry>
        implements BatchResultQueue<B> {

    private final Deque<Segment<B>> segments = new ArrayDeque<>();
    private int batchCount;

    @Override
    public void addBatch(B batch) {
        Segment<B> last = segments.peekLast();
        if (last == null || last.closingWatermark != null) {
            last = new Segment<>();
            segments.addLast(last);
        }
        last.incomplete.add(batch);
        batchCount++;
    }

    @Override
    public void addWatermark(Watermark watermark) {
        Segment<B> last = segments.peekLast();
        if (last == null) {
            last = new Segment<>();
            segments.addLast(last);
        }
        // An open segment is closed by this watermark; a closed one had no batch since its
        // watermark, which this newer watermark supersedes.
        last.closingWatermark = watermark;
    }

    @Override
    public void markCompleted(B batch) {
        for (Segment<B> segment : segments) {
            if (segment.incomplete.remove(batch)) {
                segment.completed.addLast(batch);
                return;
            }
        }
        throw new IllegalStateException("completed batch is not in the queue: " + batch);
    }

    @Override
    public int emitCompleted(Consumer<B> batchEmitter, Consumer<Watermark> watermarkEmitter) {
        int emitted = 0;
        while (!segments.isEmpty()) {
            Segment<B> first = segments.peekFirst();
            B batch;
            while ((batch = first.completed.pollFirst()) != null) {
                batchCount--;
                emitted++;
                batchEmitter.accept(batch);
            }
            if (!first.incomplete.isEmpty() || first.closingWatermark == null) {
                // An emptied open segment stays for the next batches: a queue that keeps
                // emptying (fast services) would otherwise allocate a segment per batch.
                break;
            }
            segments.pollFirst();
            watermarkEmitter.accept(first.closingWatermark);
        }
        return emitted;
    }

    @Override
    public int batchCount() {
        return batchCount;
    }

    @Override
    public boolean isEmpty() {
        if (batchCount > 0) {
            return false;
        }
        // Without batches, only a closing watermark can still be pending.
        Segment<B> first = segments.peekFirst();
        return first == null || first.closingWatermark == null;
    }

    @Override
    public void forEachPending(Consumer<B> batchVisitor, Consumer<Watermark> watermarkVisitor) {
        for (Segment<B> segment : segments) {
            segment.completed.forEach(batchVisitor);
            segment.incomplete.forEach(batchVisitor);
            if (segment.closingWatermark != null) {
                watermarkVisitor.accept(segment.closingWatermark);
            }
        }
    }

    private static final class Segment<B> {
        /** Insertion-ordered so that snapshots keep the batches' send order. */
        final Set<B> incomplete = new LinkedHashSet<>();

        final Deque<B> completed = new ArrayDeque<>();
        Watermark closingWatermark;
    }
}
