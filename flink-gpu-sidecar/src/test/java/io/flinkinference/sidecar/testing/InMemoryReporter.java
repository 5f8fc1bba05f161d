package io.flinkinference.sidecar.testing;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;

import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An in-process Flink {@link MetricReporter} that keeps every reported metric by name, so tests
 * read exactly what a real reporter would see. Registered for {@link java.util.ServiceLoader}
 * through {@link Factory} in the test resources.
 */
public final class InMemoryReporter implements MetricReporter {

    /** The latest reporter opened (the server creates it). */
    public static volatile InMemoryReporter last;

    public final Map<String, Metric> metrics = new ConcurrentHashMap<>();
    public final Map<String, String> identifiers = new ConcurrentHashMap<>();
    public volatile MetricConfig config;
    public volatile boolean closed;

    @Override
    public void open(MetricConfig config) {
        this.config = config;
        last = this;
    }

    @Override
    public void close() {
        closed = true;
    }

    @Override
    public void notifyOfAddedMetric(Metric metric, String name, MetricGroup group) {
        metrics.put(name, metric);
        identifiers.put(name, group.getMetricIdentifier(name));
    }

    @Override
    public void notifyOfRemovedMetric(Metric metric, String name, MetricGroup group) {
        metrics.remove(name);
    }

    public long count(String name) {
        return ((Counter) metrics.get(name)).getCount();
    }

    public Object gauge(String name) {
        return ((Gauge<?>) metrics.get(name)).getValue();
    }

    public Histogram histogram(String name) {
        return (Histogram) metrics.get(name);
    }

    /** The factory named in {@code metrics.reporter.<name>.factory.class}. */
    public static final class Factory implements MetricReporterFactory {
        @Override
        public MetricReporter createMetricReporter(Properties properties) {
            return new InMemoryReporter();
        }
    }
}
