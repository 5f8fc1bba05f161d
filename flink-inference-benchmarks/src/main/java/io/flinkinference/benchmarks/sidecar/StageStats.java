package io.flinkinference.benchmarks.sidecar;

import io.flinkinference.benchmarks.harness.Format;
import io.flinkinference.sidecar.metrics.SidecarMetrics;

import org.apache.flink.metrics.HistogramStatistics;

/**
 * The sidecar's own view of one run, from its metrics (cumulative since it started, warm-up
 * included): p50/p99 per stage in ms and the mean batch size.
 */
public record StageStats(
        double queueP50,
        double queueP99,
        double backendP50,
        double backendP99,
        double endToEndP50,
        double endToEndP99,
        double meanBatch) {

    public static StageStats of(SidecarMetrics m) {
        HistogramStatistics q = m.latencyQueueUs().getStatistics();
        HistogramStatistics b = m.latencyBackendUs().getStatistics();
        HistogramStatistics e = m.latencyEndToEndUs().getStatistics();
        return new StageStats(
                q.getQuantile(0.5) / 1000,
                q.getQuantile(0.99) / 1000,
                b.getQuantile(0.5) / 1000,
                b.getQuantile(0.99) / 1000,
                e.getQuantile(0.5) / 1000,
                e.getQuantile(0.99) / 1000,
                m.batchSize().getStatistics().getMean());
    }

    public String queue() {
        return Format.ms(queueP50) + " / " + Format.ms(queueP99);
    }

    public String backend() {
        return Format.ms(backendP50) + " / " + Format.ms(backendP99);
    }

    public String endToEnd() {
        return Format.ms(endToEndP50) + " / " + Format.ms(endToEndP99);
    }
}
