package io.flinkinference.sidecar.client.testutil;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;

import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Keeps every metric Flink registers (also after the job ended), so a test can add up a counter
 * over all subtasks of one job. Registered through {@link #addTo(Configuration)}.
 */
public final class CapturingReporter implements MetricReporter, MetricReporterFactory {

    private static final List<Registered> METRICS = new CopyOnWriteArrayList<>();

    /** Adds this reporter to a MiniCluster configuration. */
    public static Configuration addTo(Configuration config) {
        config.setString(
                "metrics.reporter.capture.factory.class", CapturingReporter.class.getName());
        return config;
    }

    /** The sum of counter {@code name} over every subtask of the job named {@code jobName}. */
    public static long sum(String jobName, String name) {
        long sum = 0;
        for (Registered r : METRICS) {
            if (r.name.equals(name)
                    && jobName.equals(r.group.getAllVariables().get("<job_name>"))
                    && r.metric instanceof Counter) {
                sum += ((Counter) r.metric).getCount();
            }
        }
        return sum;
    }

    /** Counter {@code name} of each subtask of the job, by subtask index. */
    public static java.util.Map<String, Long> perSubtask(String jobName, String name) {
        java.util.Map<String, Long> values = new java.util.TreeMap<>();
        for (Registered r : METRICS) {
            java.util.Map<String, String> vars = r.group.getAllVariables();
            if (r.name.equals(name)
                    && jobName.equals(vars.get("<job_name>"))
                    && r.metric instanceof Counter) {
                values.merge(
                        vars.get("<subtask_index>"), ((Counter) r.metric).getCount(), Long::sum);
            }
        }
        return values;
    }

    @Override
    public MetricReporter createMetricReporter(Properties properties) {
        return this;
    }

    @Override
    public void open(MetricConfig config) {}

    @Override
    public void close() {}

    @Override
    public void notifyOfAddedMetric(Metric metric, String metricName, MetricGroup group) {
        METRICS.add(new Registered(metric, metricName, group));
    }

    @Override
    public void notifyOfRemovedMetric(Metric metric, String metricName, MetricGroup group) {
        // kept on purpose: tests read final values after the job has ended
    }

    private static final class Registered {
        final Metric metric;
        final String name;
        final MetricGroup group;

        Registered(Metric metric, String name, MetricGroup group) {
            this.metric = metric;
            this.name = name;
            this.group = group;
        }
    }
}
