package io.flinkinference.asyncbatch.metrics;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;

import java.util.function.IntSupplier;

/**
 * The inference-level metrics of one {@code AsyncBatchWaitOperator} subtask, registered in the
 * operator's metric group under exactly these names:
 *
 * <ul>
 *   <li>histograms {@code batchSize}, {@code batchLatencyMs} (dispatch to final completion, retries
 *       included), {@code recordLatencyMs} (arrival at the operator to emission, for the records a
 *       {@link RecordLatencySampler} picks);
 *   <li>gauges {@code inFlightBatches}, {@code inFlightRecords} (sent, not yet emitted), {@code
 *       bufferedRecords} (waiting for their batch to leave);
 *   <li>counters {@code batchesSent}, {@code batchesSucceeded}, {@code batchesFailed}, {@code
 *       batchesTimedOut}, {@code batchRetries}. Each sent batch ends in exactly one of succeeded,
 *       failed or timed out; retries are counted per retry, not per batch.
 * </ul>
 *
 * <p>Updated from the task thread only; the gauges read plain fields and may be read from the
 * metric reporter's thread, so they are a recent, not an exact, view.
 */
public final class AsyncBatchMetrics {

    /**
     * Samples kept per histogram: enough for stable p99s at inference rates, bounded in memory (a
     * few tens of KiB per histogram).
     */
    public static final int HISTOGRAM_WINDOW_SIZE = 2048;

    public final Histogram batchSize;
    public final Histogram batchLatencyMs;
    public final Histogram recordLatencyMs;
    public final Counter batchesSent;
    public final Counter batchesSucceeded;
    public final Counter batchesFailed;
    public final Counter batchesTimedOut;
    public final Counter batchRetries;

    public AsyncBatchMetrics(
            MetricGroup group,
            IntSupplier inFlightBatches,
            IntSupplier inFlightRecords,
            IntSupplier bufferedRecords) {
        batchSize = group.histogram("batchSize", newHistogram());
        batchLatencyMs = group.histogram("batchLatencyMs", newHistogram());
        recordLatencyMs = group.histogram("recordLatencyMs", newHistogram());
        group.gauge("inFlightBatches", (Gauge<Integer>) inFlightBatches::getAsInt);
        group.gauge("inFlightRecords", (Gauge<Integer>) inFlightRecords::getAsInt);
        group.gauge("bufferedRecords", (Gauge<Integer>) bufferedRecords::getAsInt);
        batchesSent = group.counter("batchesSent");
        batchesSucceeded = group.counter("batchesSucceeded");
        batchesFailed = group.counter("batchesFailed");
        batchesTimedOut = group.counter("batchesTimedOut");
        batchRetries = group.counter("batchRetries");
    }

    private static Histogram newHistogram() {
        return new DescriptiveStatisticsHistogram(HISTOGRAM_WINDOW_SIZE);
    }
}
