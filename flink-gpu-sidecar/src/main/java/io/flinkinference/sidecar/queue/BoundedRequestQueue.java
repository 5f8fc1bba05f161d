package io.flinkinference.sidecar.queue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * A FIFO of requests waiting for the backend, bounded in length and in waiting time.
 *
 * <ul>
 *   <li><b>Length</b>: at most {@code maxLength} items wait; {@link #offer} of one more returns
 *       {@code null} at once (never blocks), so the caller can answer {@code RESOURCE_EXHAUSTED}.
 *   <li><b>Time</b>: every item has a deadline. When it is reached, a timer removes the item and
 *       hands it to the expiry listener, wherever it is in the queue; an item found past its
 *       deadline when a batch is taken is expired the same way. An expired item is never returned
 *       by {@link #awaitBatch}.
 *   <li><b>Order</b>: batches are taken in arrival order.
 *   <li><b>Removal</b>: {@link #remove(Entry)} takes out one item in O(1) (a cancelled stream's
 *       requests), so removed and expired items cost no memory while others wait.
 * </ul>
 *
 * <p>Each item leaves the queue exactly once: by {@link #awaitBatch}, by expiry, by {@link
 * #remove(Entry)} or by {@link #drain()}; the listener is called outside the queue's lock, on the
 * timer thread or on the thread taking a batch.
 *
 * <p>Thread-safe. After {@link #close()} offers fail, and {@link #awaitBatch} returns what is left
 * without waiting for a batch window, then an empty list once the queue is empty.
 *
 * @param <T> the item type
 */
public final class BoundedRequestQueue<T> {

    private final int maxLength;
    private final ScheduledExecutorService timer;
    private final Consumer<? super T> onExpired;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    // A doubly linked list through the entries (head = oldest), so that removal is O(1).
    private Entry<T> head;
    private Entry<T> tail;
    private int size;
    private boolean closed;

    /**
     * @param maxLength the most items that may wait at once (at least 1)
     * @param timer runs the expiry timers
     * @param onExpired receives every item whose deadline passed while it waited
     */
    public BoundedRequestQueue(
            int maxLength, ScheduledExecutorService timer, Consumer<? super T> onExpired) {
        if (maxLength < 1) {
            throw new IllegalArgumentException("maxLength must be >= 1, got " + maxLength);
        }
        this.maxLength = maxLength;
        this.timer = timer;
        this.onExpired = onExpired;
    }

    /** A queued item and its timing; the handle for {@link #remove(Entry)}. */
    public static final class Entry<T> {
        private final T item;
        private final long enqueuedNanos;
        private final long deadlineNanos;
        private Entry<T> prev;
        private Entry<T> next;
        private boolean queued;
        private ScheduledFuture<?> expiry;

        private Entry(T item, long enqueuedNanos, long deadlineNanos) {
            this.item = item;
            this.enqueuedNanos = enqueuedNanos;
            this.deadlineNanos = deadlineNanos;
        }

        public T item() {
            return item;
        }

        /** {@link System#nanoTime()} when it was queued. */
        public long enqueuedNanos() {
            return enqueuedNanos;
        }

        /** {@link System#nanoTime()} at which it expires. */
        public long deadlineNanos() {
            return deadlineNanos;
        }
    }

    /**
     * Queues {@code item} until {@code deadlineNanos} ({@link System#nanoTime()} based).
     *
     * @return its entry, or {@code null} when the queue is full or closed (see {@link #isClosed()})
     */
    public Entry<T> offer(T item, long deadlineNanos) {
        long now = System.nanoTime();
        Entry<T> entry = new Entry<>(item, now, deadlineNanos);
        lock.lock();
        try {
            if (closed || size >= maxLength) {
                return null;
            }
            link(entry);
            // Scheduled under the lock so that a concurrent take sees the future and cancels it.
            entry.expiry =
                    timer.schedule(
                            () -> expire(entry),
                            Math.max(0, deadlineNanos - now),
                            TimeUnit.NANOSECONDS);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        return entry;
    }

    /**
     * Takes the next batch, blocking until one is due: when {@code maxItems} items wait, when the
     * oldest has waited {@code windowNanos}, or at once after {@link #close()}.
     *
     * @return up to {@code maxItems} entries in arrival order, none past its deadline; empty only
     *     when the queue is closed and empty
     */
    public List<Entry<T>> awaitBatch(int maxItems, long windowNanos) throws InterruptedException {
        List<Entry<T>> batch = new ArrayList<>(Math.min(maxItems, maxLength));
        List<T> expired = new ArrayList<>();
        lock.lockInterruptibly();
        try {
            while (batch.isEmpty()) {
                if (size == 0) {
                    if (closed) {
                        return Collections.emptyList();
                    }
                    changed.await();
                    continue;
                }
                long now = System.nanoTime();
                long dueAt = head.enqueuedNanos + windowNanos;
                if (size < maxItems && !closed && now - dueAt < 0) {
                    changed.awaitNanos(dueAt - now);
                    continue;
                }
                while (head != null && batch.size() < maxItems) {
                    Entry<T> e = head;
                    unlink(e);
                    e.expiry.cancel(false);
                    if (now - e.deadlineNanos >= 0) {
                        expired.add(e.item);
                    } else {
                        batch.add(e);
                    }
                }
            }
        } finally {
            lock.unlock();
            expired.forEach(onExpired);
        }
        return batch;
    }

    /** Takes {@code entry} out if it still waits; {@code true} when this call removed it. */
    public boolean remove(Entry<T> entry) {
        lock.lock();
        try {
            if (!entry.queued) {
                return false;
            }
            unlink(entry);
            entry.expiry.cancel(false);
            return true;
        } finally {
            lock.unlock();
        }
    }

    private void expire(Entry<T> entry) {
        if (remove(entry)) {
            onExpired.accept(entry.item);
        }
    }

    /** Stops accepting offers; waiting takers return what is left without a batch window. */
    public void close() {
        lock.lock();
        try {
            closed = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Removes and returns everything still waiting, oldest first. */
    public List<T> drain() {
        List<T> items = new ArrayList<>();
        lock.lock();
        try {
            while (head != null) {
                Entry<T> e = head;
                unlink(e);
                e.expiry.cancel(false);
                items.add(e.item);
            }
        } finally {
            lock.unlock();
        }
        return items;
    }

    public boolean isClosed() {
        lock.lock();
        try {
            return closed;
        } finally {
            lock.unlock();
        }
    }

    /** Items waiting now. */
    public int size() {
        lock.lock();
        try {
            return size;
        } finally {
            lock.unlock();
        }
    }

    public int maxLength() {
        return maxLength;
    }

    private void link(Entry<T> e) {
        e.prev = tail;
        if (tail == null) {
            head = e;
        } else {
            tail.next = e;
        }
        tail = e;
        e.queued = true;
        size++;
    }

    private void unlink(Entry<T> e) {
        if (e.prev == null) {
            head = e.next;
        } else {
            e.prev.next = e.next;
        }
        if (e.next == null) {
            tail = e.prev;
        } else {
            e.next.prev = e.prev;
        }
        e.prev = null;
        e.next = null;
        e.queued = false;
        size--;
    }
}
