package io.flinkinference.sidecar.queue;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(value = 20, unit = TimeUnit.SECONDS)
class BoundedRequestQueueTest {

    private static final long HOUR = TimeUnit.HOURS.toNanos(1);

    private final ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1);
    private final BlockingQueue<String> expired = new LinkedBlockingQueue<>();
    private final BoundedRequestQueue<String> queue =
            new BoundedRequestQueue<>(3, timer, expired::add);

    @AfterEach
    void stop() {
        timer.shutdownNow();
    }

    private static long in(long nanos) {
        return System.nanoTime() + nanos;
    }

    private static List<String> items(List<BoundedRequestQueue.Entry<String>> entries) {
        return entries.stream().map(BoundedRequestQueue.Entry::item).toList();
    }

    @Test
    void offerFailsAtOnceWhenFullAndSucceedsAgainAfterATake() throws Exception {
        assertThat(queue.offer("a", in(HOUR))).isNotNull();
        assertThat(queue.offer("b", in(HOUR))).isNotNull();
        assertThat(queue.offer("c", in(HOUR))).isNotNull();
        assertThat(queue.offer("d", in(HOUR))).isNull();
        assertThat(queue.size()).isEqualTo(3);

        assertThat(items(queue.awaitBatch(2, 0))).containsExactly("a", "b");
        assertThat(queue.offer("d", in(HOUR))).isNotNull();
        assertThat(items(queue.awaitBatch(10, 0))).containsExactly("c", "d");
    }

    @Test
    void expiresAtTheDeadlineWhereverTheItemIsInTheQueue() throws Exception {
        queue.offer("long", in(HOUR));
        long start = System.nanoTime();
        queue.offer("short", in(TimeUnit.MILLISECONDS.toNanos(100)));
        // Nobody takes from the queue: the timer alone expires the second item.
        assertThat(expired.poll(5, TimeUnit.SECONDS)).isEqualTo("short");
        assertThat(System.nanoTime() - start)
                .isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(90));
        assertThat(queue.size()).isEqualTo(1);
        assertThat(items(queue.awaitBatch(10, 0))).containsExactly("long");
    }

    @Test
    void anItemPastItsDeadlineIsNeverTaken() throws Exception {
        queue.offer("stale", System.nanoTime() - 1);
        queue.offer("fresh", in(HOUR));
        assertThat(items(queue.awaitBatch(10, 0))).containsExactly("fresh");
        assertThat(expired.poll(5, TimeUnit.SECONDS)).isEqualTo("stale");
        assertThat(expired).isEmpty();
    }

    @Test
    void removeTakesOutOneItemOnceAndItNeverExpires() throws Exception {
        BoundedRequestQueue.Entry<String> a =
                queue.offer("a", in(TimeUnit.MILLISECONDS.toNanos(50)));
        queue.offer("b", in(HOUR));
        assertThat(queue.remove(a)).isTrue();
        assertThat(queue.remove(a)).isFalse();
        assertThat(queue.size()).isEqualTo(1);
        // Had the timer not been cancelled it would fire here; the queue is empty of "a" either
        // way.
        assertThat(expired.poll(200, TimeUnit.MILLISECONDS)).isNull();
        assertThat(items(queue.awaitBatch(10, 0))).containsExactly("b");
    }

    @Test
    void waitsForTheWindowOfTheOldestItemUnlessTheBatchIsFull() throws Exception {
        long window = TimeUnit.MILLISECONDS.toNanos(200);
        queue.offer("a", in(HOUR));
        long start = System.nanoTime();
        assertThat(items(queue.awaitBatch(3, window))).containsExactly("a");
        assertThat(System.nanoTime() - start)
                .isGreaterThanOrEqualTo(window - TimeUnit.MILLISECONDS.toNanos(20));

        CompletableFuture<List<String>> full =
                CompletableFuture.supplyAsync(
                        () -> {
                            try {
                                return items(queue.awaitBatch(2, HOUR));
                            } catch (InterruptedException e) {
                                throw new RuntimeException(e);
                            }
                        });
        queue.offer("b", in(HOUR));
        queue.offer("c", in(HOUR));
        assertThat(full.get(5, TimeUnit.SECONDS)).containsExactly("b", "c");
    }

    @Test
    void closeRefusesOffersDrainsWithoutWindowAndThenReturnsEmpty() throws Exception {
        queue.offer("a", in(HOUR));
        queue.close();
        assertThat(queue.offer("b", in(HOUR))).isNull();
        assertThat(queue.isClosed()).isTrue();
        assertThat(items(queue.awaitBatch(10, HOUR))).containsExactly("a");
        assertThat(queue.awaitBatch(10, HOUR)).isEmpty();
    }

    @Test
    void drainReturnsEverythingLeft() {
        queue.offer("a", in(HOUR));
        queue.offer("b", in(HOUR));
        assertThat(queue.drain()).containsExactly("a", "b");
        assertThat(queue.size()).isZero();
    }
}
