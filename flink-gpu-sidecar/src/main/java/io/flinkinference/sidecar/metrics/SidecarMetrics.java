package io.flinkinference.sidecar.metrics;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The sidecar's metrics, registered in a Flink {@link MetricGroup} under these names:
 *
 * <ul>
 *   <li>counters {@code requestsReceived}, {@code requestsSucceeded}, {@code requestsRejected},
 *       {@code requestsExpired}, {@code requestsFailed}, {@code requestsCancelled} (see {@link
 *       Outcome} for which answer counts where), {@code batchesExecuted};
 *   <li>gauges {@code queueDepth} (requests waiting for the backend) and {@code inFlightRequests}
 *       (received and not yet answered or dropped);
 *   <li>histograms {@code batchSize}, {@code latencyQueueUs} (queued → handed to the backend),
 *       {@code latencyBackendUs} (one backend call), {@code latencyEndToEndUs} (received → answer
 *       handed to gRPC, for requests that ran on the backend).
 * </ul>
 *
 * <p>An outcome is counted when its answer is handed to gRPC (or dropped because the stream was
 * cancelled), so at any quiescent point {@code requestsReceived} equals the sum of the outcome
 * counters plus {@code inFlightRequests}, and the outcome counters equal what the clients received.
 *
 * <p>Thread-safe: every method may be called from any thread.
 */
public final class SidecarMetrics {

    private static final long MAX_LATENCY_US = TimeUnit.HOURS.toMicros(1);
    private static final long MAX_BATCH_SIZE = 1 << 20;

    private final Counter received;
    private final Map<Outcome, Counter> outcomes = new EnumMap<>(Outcome.class);
    private final Counter batches;
    private final AtomicLong inFlight = new AtomicLong();
    private final LongSupplier queueDepth;
    private final HdrHistogramMetric batchSize = new HdrHistogramMetric(MAX_BATCH_SIZE);
    private final HdrHistogramMetric latencyQueueUs = new HdrHistogramMetric(MAX_LATENCY_US);
    private final HdrHistogramMetric latencyBackendUs = new HdrHistogramMetric(MAX_LATENCY_US);
    private final HdrHistogramMetric latencyEndToEndUs = new HdrHistogramMetric(MAX_LATENCY_US);

    /**
     * Registers every metric in {@code group}.
     *
     * @param queueDepth reads the current queue length
     */
    public SidecarMetrics(MetricGroup group, LongSupplier queueDepth) {
        this.queueDepth = queueDepth;
        received = group.counter("requestsReceived");
        outcomes.put(Outcome.SUCCEEDED, group.counter("requestsSucceeded"));
        outcomes.put(Outcome.REJECTED, group.counter("requestsRejected"));
        outcomes.put(Outcome.EXPIRED, group.counter("requestsExpired"));
        outcomes.put(Outcome.FAILED, group.counter("requestsFailed"));
        outcomes.put(Outcome.CANCELLED, group.counter("requestsCancelled"));
        batches = group.counter("batchesExecuted");
        group.gauge("queueDepth", (Gauge<Long>) queueDepth::getAsLong);
        group.gauge("inFlightRequests", (Gauge<Long>) inFlight::get);
        group.histogram("batchSize", batchSize);
        group.histogram("latencyQueueUs", latencyQueueUs);
        group.histogram("latencyBackendUs", latencyBackendUs);
        group.histogram("latencyEndToEndUs", latencyEndToEndUs);
    }

    // ---- recording ----

    /** A request arrived on a stream. */
    public void requestReceived() {
        received.inc();
        inFlight.incrementAndGet();
    }

    /** A received request ended (answered or dropped). */
    public void requestEnded(Outcome outcome) {
        outcomes.get(outcome).inc();
        inFlight.decrementAndGet();
    }

    /** One backend call of {@code size} items took {@code backendNanos}. */
    public void batchExecuted(int size, long backendNanos) {
        batches.inc();
        batchSize.update(size);
        latencyBackendUs.update(TimeUnit.NANOSECONDS.toMicros(backendNanos));
    }

    /** A request waited {@code nanos} between being queued and handed to the backend. */
    public void queueLatency(long nanos) {
        latencyQueueUs.update(TimeUnit.NANOSECONDS.toMicros(nanos));
    }

    /** A request that ran on the backend took {@code nanos} from arrival to answer. */
    public void endToEndLatency(long nanos) {
        latencyEndToEndUs.update(TimeUnit.NANOSECONDS.toMicros(nanos));
    }

    // ---- reading ----

    public long requestsReceived() {
        return received.getCount();
    }

    public long requestsSucceeded() {
        return outcomes.get(Outcome.SUCCEEDED).getCount();
    }

    public long requestsRejected() {
        return outcomes.get(Outcome.REJECTED).getCount();
    }

    public long requestsExpired() {
        return outcomes.get(Outcome.EXPIRED).getCount();
    }

    public long requestsFailed() {
        return outcomes.get(Outcome.FAILED).getCount();
    }

    public long requestsCancelled() {
        return outcomes.get(Outcome.CANCELLED).getCount();
    }

    public long batchesExecuted() {
        return batches.getCount();
    }

    public long queueDepth() {
        return queueDepth.getAsLong();
    }

    public long inFlightRequests() {
        return inFlight.get();
    }

    public HdrHistogramMetric batchSize() {
        return batchSize;
    }

    public HdrHistogramMetric latencyQueueUs() {
        return latencyQueueUs;
    }

    public HdrHistogramMetric latencyBackendUs() {
        return latencyBackendUs;
    }

    public HdrHistogramMetric latencyEndToEndUs() {
        return latencyEndToEndUs;
    }

    @Override
    public String toString() {
        return "SidecarMetrics{received="
                + requestsReceived()
                + ", succeeded="
                + requestsSucceeded()
                + ", rejected="
                + requestsRejected()
                + ", expired="
                + requestsExpired()
                + ", failed="
                + requestsFailed()
                + ", cancelled="
                + requestsCancelled()
                + ", inFlight="
                + inFlightRequests()
                + ", queueDepth="
                + queueDepth()
                + ", batches="
                + batchesExecuted()
                + "}";
    }
}
