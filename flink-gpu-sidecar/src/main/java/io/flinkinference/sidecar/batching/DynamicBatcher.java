package io.flinkinference.sidecar.batching;

import io.flinkinference.sidecar.backend.InferenceBackend;
import io.flinkinference.sidecar.backend.ItemResult;
import io.flinkinference.sidecar.metrics.SidecarMetrics;
import io.flinkinference.sidecar.queue.BoundedRequestQueue;
import io.flinkinference.sidecar.request.InferenceRequest;

import com.google.rpc.Code;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Forms batches from a {@link BoundedRequestQueue} and runs them on an {@link InferenceBackend}.
 *
 * <p>{@code workers} threads each take the next due batch (up to {@code maxBatchSize} requests, due
 * when full or when its oldest request has waited {@code window}) and make exactly one {@link
 * InferenceBackend#infer(List)} call for it, so at most {@code workers} batches execute at once.
 * The server serves one model, so every batch is of that model.
 *
 * <p>Failure semantics: an item the backend fails is answered with the backend's code for that item
 * only; an exception from the backend, or a result list of the wrong length, answers every item of
 * the batch {@code INTERNAL}. A worker never dies from a backend failure.
 *
 * <p>Lifecycle: {@link #start()}, then {@link BoundedRequestQueue#close()} makes the workers drain
 * the queue without waiting for batch windows and exit; {@link #awaitTermination(long)} waits for
 * that, {@link #abort(String)} answers the batches still running {@code UNAVAILABLE} and interrupts
 * the workers. Thread-safe.
 */
public final class DynamicBatcher {

    private static final Logger LOG = LoggerFactory.getLogger(DynamicBatcher.class);
    private static final long MIN_RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    private final BoundedRequestQueue<InferenceRequest> queue;
    private final InferenceBackend backend;
    private final int maxBatchSize;
    private final long windowNanos;
    private final SidecarMetrics metrics;
    private final List<Thread> workers = new ArrayList<>();
    private final Set<List<InferenceRequest>> running = ConcurrentHashMap.newKeySet();
    private final AtomicLong averageBatchNanos = new AtomicLong();

    public DynamicBatcher(
            BoundedRequestQueue<InferenceRequest> queue,
            InferenceBackend backend,
            int maxBatchSize,
            long windowNanos,
            int workers,
            SidecarMetrics metrics) {
        if (maxBatchSize < 1 || workers < 1 || windowNanos < 0) {
            throw new IllegalArgumentException(
                    "maxBatchSize and workers must be >= 1, window >= 0");
        }
        this.queue = queue;
        this.backend = backend;
        this.maxBatchSize = maxBatchSize;
        this.windowNanos = windowNanos;
        this.metrics = metrics;
        for (int i = 0; i < workers; i++) {
            Thread t = new Thread(this::runWorker, "sidecar-backend-worker-" + i);
            t.setDaemon(true);
            this.workers.add(t);
        }
    }

    /** Starts the worker threads. */
    public void start() {
        workers.forEach(Thread::start);
    }

    private void runWorker() {
        while (true) {
            List<BoundedRequestQueue.Entry<InferenceRequest>> batch;
            try {
                batch = queue.awaitBatch(maxBatchSize, windowNanos);
            } catch (InterruptedException e) {
                return;
            }
            if (batch.isEmpty()) {
                return; // closed and drained
            }
            execute(batch);
        }
    }

    private void execute(List<BoundedRequestQueue.Entry<InferenceRequest>> entries) {
        long dispatched = System.nanoTime();
        List<InferenceRequest> batch = new ArrayList<>(entries.size());
        List<byte[]> payloads = new ArrayList<>(entries.size());
        for (BoundedRequestQueue.Entry<InferenceRequest> e : entries) {
            InferenceRequest r = e.item();
            if (r.isAnswered()) {
                continue; // its stream is gone
            }
            metrics.queueLatency(dispatched - e.enqueuedNanos());
            r.markExecuted();
            batch.add(r);
            payloads.add(r.payload());
        }
        if (batch.isEmpty()) {
            return;
        }
        running.add(batch);
        try {
            List<ItemResult> results = null;
            String failure = null;
            long start = System.nanoTime();
            try {
                results = backend.infer(payloads);
                if (results == null || results.size() != payloads.size()) {
                    failure =
                            "backend returned "
                                    + (results == null ? "null" : results.size() + " results")
                                    + " for "
                                    + payloads.size()
                                    + " items";
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failure = "interrupted while the sidecar shut down";
            } catch (Throwable t) {
                LOG.warn("Backend failed a batch of {} items", payloads.size(), t);
                failure = "backend failed: " + t;
            }
            long took = System.nanoTime() - start;
            metrics.batchExecuted(batch.size(), took);
            averageBatchNanos.accumulateAndGet(
                    took, (avg, x) -> avg == 0 ? x : avg + (x - avg) / 8);
            for (int i = 0; i < batch.size(); i++) {
                ItemResult result = failure == null ? results.get(i) : null;
                if (result == null) {
                    batch.get(i)
                            .fail(
                                    Code.INTERNAL,
                                    failure != null ? failure : "backend returned null");
                } else {
                    batch.get(i).complete(result);
                }
            }
        } finally {
            running.remove(batch);
        }
    }

    /**
     * Estimates when the queue will have room again: one batch's average duration divided by the
     * number of workers (batches finish that often when all are busy), at least 1 ms.
     */
    public long retryDelayNanos() {
        long avg = averageBatchNanos.get();
        long estimate = avg == 0 ? windowNanos : avg / workers.size();
        return Math.max(MIN_RETRY_NANOS, estimate);
    }

    /** Waits until every worker has exited (the queue must be closed first). */
    public boolean awaitTermination(long timeoutNanos) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutNanos;
        for (Thread t : workers) {
            long left = deadline - System.nanoTime();
            if (left > 0) {
                TimeUnit.NANOSECONDS.timedJoin(t, left);
            }
            if (t.isAlive()) {
                return false;
            }
        }
        return true;
    }

    /** Answers every running batch's requests {@code UNAVAILABLE} and interrupts the workers. */
    public void abort(String message) {
        for (List<InferenceRequest> batch : running) {
            for (InferenceRequest r : batch) {
                r.reject(Code.UNAVAILABLE, message);
            }
        }
        workers.forEach(Thread::interrupt);
    }
}
