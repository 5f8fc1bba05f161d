package io.flinkinference.examples.demo;

import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the demo's sink saw, JVM-wide (the demo runs Flink embedded, in this JVM): results, how many
 * were correct, distinct ids, and every record's latency from generation to sink. Thread-safe.
 */
public final class DemoStats {

    private static final LongAdder RESULTS = new LongAdder();
    private static final LongAdder CORRECT = new LongAdder();
    private static final ConcurrentHistogram LATENCY_US =
            new ConcurrentHistogram(TimeUnit.MINUTES.toMicros(10), 3);
    private static volatile java.util.BitSet seen = new java.util.BitSet();
    private static final LongAdder DUPLICATES = new LongAdder();
    private static final java.util.concurrent.atomic.AtomicLong FIRST_NANOS =
            new java.util.concurrent.atomic.AtomicLong(Long.MAX_VALUE);
    private static final java.util.concurrent.atomic.AtomicLong LAST_NANOS =
            new java.util.concurrent.atomic.AtomicLong(Long.MIN_VALUE);

    private DemoStats() {}

    public static void reset() {
        RESULTS.reset();
        CORRECT.reset();
        DUPLICATES.reset();
        LATENCY_US.reset();
        seen = new java.util.BitSet();
        FIRST_NANOS.set(Long.MAX_VALUE);
        LAST_NANOS.set(Long.MIN_VALUE);
    }

    /** Nanoseconds from the first answer to the last one; 0 before two answers. */
    public static long answeringNanos() {
        long first = FIRST_NANOS.get();
        long last = LAST_NANOS.get();
        return last > first ? last - first : 0;
    }

    static void record(DemoResult result) {
        long now = System.nanoTime();
        FIRST_NANOS.accumulateAndGet(now, Math::min);
        LAST_NANOS.accumulateAndGet(now, Math::max);
        RESULTS.increment();
        if (result.correct) {
            CORRECT.increment();
        }
        java.util.BitSet ids = seen;
        synchronized (ids) {
            if (ids.get((int) result.id)) {
                DUPLICATES.increment();
            } else {
                ids.set((int) result.id);
            }
        }
        long micros = TimeUnit.NANOSECONDS.toMicros(now - result.createdNanos);
        LATENCY_US.recordValue(
                Math.max(0, Math.min(micros, LATENCY_US.getHighestTrackableValue())));
    }

    public static long results() {
        return RESULTS.sum();
    }

    public static long correct() {
        return CORRECT.sum();
    }

    public static long duplicates() {
        return DUPLICATES.sum();
    }

    public static long distinct() {
        java.util.BitSet ids = seen;
        synchronized (ids) {
            return ids.cardinality();
        }
    }

    public static Histogram latencyMicros() {
        return LATENCY_US.copy();
    }
}
