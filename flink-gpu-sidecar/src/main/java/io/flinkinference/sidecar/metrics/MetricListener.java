package io.flinkinference.sidecar.metrics;

import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricGroup;

/** Told about every metric registered in a {@link SidecarMetricGroup}. Must be thread-safe. */
public interface MetricListener {

    /** A metric was registered under {@code name} in {@code group}. */
    void metricAdded(Metric metric, String name, MetricGroup group);

    /** Does nothing. */
    MetricListener NONE = (metric, name, group) -> {};
}
