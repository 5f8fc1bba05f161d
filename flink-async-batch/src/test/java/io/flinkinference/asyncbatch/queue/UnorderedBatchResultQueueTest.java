package io.flinkinference.asyncbatch.queue;

import org.apache.flink.streaming.api.watermark.Watermark;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The unordered queue on its own, including the segment it keeps open once emptied. */
class UnorderedBatchResultQueueTest {

    private final UnorderedBatchResultQueue<Batch> queue = new UnorderedBatchResultQueue<>();
    private final List<String> emitted = new ArrayList<>();

    @Test
    void emptiesAfterEveryBatchIsEmittedAndFillsAgain() {
        for (int round = 0; round < 3; round++) {
            Batch a = add("a" + round);
            Batch b = add("b" + round);
            assertThat(queue.isEmpty()).isFalse();
            complete(b);
            assertThat(queue.isEmpty()).isFalse();
            complete(a);
            assertThat(queue.isEmpty()).isTrue();
            assertThat(queue.batchCount()).isZero();
        }
        assertThat(emitted).containsExactly("b0", "a0", "b1", "a1", "b2", "a2");
    }

    @Test
    void aWatermarkAfterAnEmptiedSegmentIsPendingUntilEmitted() {
        complete(add("a"));
        queue.addWatermark(new Watermark(5));
        assertThat(queue.isEmpty()).as("the watermark is still waiting").isFalse();
        emit();
        assertThat(queue.isEmpty()).isTrue();
        assertThat(emitted).containsExactly("a", "W5");
    }

    @Test
    void batchesNeverOvertakeAWatermark() {
        Batch before = add("before");
        queue.addWatermark(new Watermark(10));
        Batch after = add("after");
        complete(after);
        assertThat(emitted).isEmpty();
        complete(before);
        assertThat(emitted).containsExactly("before", "W10", "after");
        assertThat(queue.isEmpty()).isTrue();
    }

    @Test
    void aSnapshotVisitsPendingBatchesAndWatermarksInOrder() {
        Batch first = add("first");
        queue.addWatermark(new Watermark(1));
        add("second");
        List<String> visited = new ArrayList<>();
        queue.forEachPending(b -> visited.add(b.name), w -> visited.add("W" + w.getTimestamp()));
        assertThat(visited).containsExactly("first", "W1", "second");
        complete(first);
        visited.clear();
        queue.forEachPending(b -> visited.add(b.name), w -> visited.add("W" + w.getTimestamp()));
        assertThat(visited).containsExactly("second");
    }

    private Batch add(String name) {
        Batch batch = new Batch(name);
        queue.addBatch(batch);
        return batch;
    }

    private void complete(Batch batch) {
        batch.completed = true;
        queue.markCompleted(batch);
        emit();
    }

    private void emit() {
        queue.emitCompleted(b -> emitted.add(b.name), w -> emitted.add("W" + w.getTimestamp()));
    }

    private static final class Batch implements BatchResultQueue.Entry {
        final String name;
        boolean completed;

        Batch(String name) {
            this.name = name;
        }

        @Override
        public boolean isCompleted() {
            return completed;
        }
    }
}
