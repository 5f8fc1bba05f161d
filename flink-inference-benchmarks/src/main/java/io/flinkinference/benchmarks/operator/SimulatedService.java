package io.flinkinference.benchmarks.operator;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The in-process "remote service" of operator-vs-asyncwait: a call for {@code n} items takes {@code
 * fixed + perItem × n} on the service's own threads, and at most {@code concurrency} calls run at
 * once (the rest wait their turn, as at a server with that many workers).
 *
 * <p>Static {@link #current()} because the Flink functions that call it must stay serializable and
 * MiniCluster runs in this JVM.
 */
public final class SimulatedService implements AutoCloseable {

    private static volatile SimulatedService current;

    private final long fixedNanos;
    private final long perItemNanos;
    private final int concurrency;
    private final ExecutorService workers;

    public SimulatedService(Duration fixed, Duration perItem, int concurrency) {
        this.fixedNanos = fixed.toNanos();
        this.perItemNanos = perItem.toNanos();
        this.concurrency = concurrency;
        AtomicInteger n = new AtomicInteger();
        this.workers =
                Executors.newFixedThreadPool(
                        concurrency,
                        r -> {
                            Thread t = new Thread(r, "simulated-service-" + n.incrementAndGet());
                            t.setDaemon(true);
                            return t;
                        });
        current = this;
    }

    public static SimulatedService current() {
        return current;
    }

    /** Completes after the service has spent the call's time on one of its workers. */
    public CompletableFuture<Void> call(int items) {
        long nanos = fixedNanos + perItemNanos * items;
        return CompletableFuture.runAsync(() -> sleepPrecisely(nanos), workers);
    }

    /** The most records per second callers sending {@code batch} items per call can get. */
    public double limit(int batch) {
        return concurrency * batch * 1e9 / (fixedNanos + perItemNanos * batch);
    }

    private static void sleepPrecisely(long nanos) {
        long deadline = System.nanoTime() + nanos;
        for (long left = nanos; left > 0; left = deadline - System.nanoTime()) {
            LockSupport.parkNanos(left);
        }
    }

    @Override
    public void close() {
        workers.shutdownNow();
        current = null;
    }
}
