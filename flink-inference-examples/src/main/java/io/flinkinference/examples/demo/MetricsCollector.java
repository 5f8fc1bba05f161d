package io.flinkinference.examples.demo;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A Flink metric reporter that keeps a reference to every metric of the embedded job (also after it
 * ended), so the demo can add up the client's counters over all subtasks. Enabled with {@code
 * metrics.reporter.demo.factory.class}.
 */
public final class MetricsCollector implements MetricReporter, MetricReporterFactory {

    private static final List<Registered> METRICS = new CopyOnWriteArrayList<>();

    @Override
    public MetricReporter createMetricReporter(Properties properties) {
        return this;
    }

    @Override
    public void open(MetricConfig config) {}

    @Override
    public void close() {}

    @Override
    public void notifyOfAddedMetric(Metric metric, String name, MetricGroup group) {
        METRICS.add(new Registered(metric, name));
    }

    @Override
    public void notifyOfRemovedMetric(Metric metric, String name, MetricGroup group) {
        // kept: the summary reads the final values after the job ended
    }

    public static void reset() {
        METRICS.clear();
    }

    /** The sum of every counter called {@code name} (all subtasks). */
    public static long sum(String name) {
        long sum = 0;
        for (Registered r : METRICS) {
            if (r.name.equals(name) && r.metric instanceof Counter) {
                sum += ((Counter) r.metric).getCount();
            }
        }
        return sum;
    }

    /** Counter names that start with {@code prefix}. */
    public static List<String> counterNames(String prefix) {
        List<String> names = new ArrayList<>();
        for (Registered r : METRICS) {
            if (r.name.startsWith(prefix)
                    && r.metric instanceof Counter
                    && !names.contains(r.name)) {
                names.add(r.name);
            }
        }
        return names;
    }

    /** The samples every histogram called {@code name} still holds, all subtasks together. */
    public static long[] histogramSamples(String name) {
        List<long[]> parts = new ArrayList<>();
        int total = 0;
        for (Registered r : METRICS) {
            if (r.name.equals(name) && r.metric instanceof Histogram) {
                long[] values = ((Histogram) r.metric).getStatistics().getValues();
                parts.add(values);
                total += values.length;
            }
        }
        long[] all = new long[total];
        int at = 0;
        for (long[] part : parts) {
            System.arraycopy(part, 0, all, at, part.length);
            at += part.length;
        }
        return all;
    }

    /** The total number of samples recorded into histograms called {@code name}. */
    public static long histogramCount(String name) {
        long count = 0;
        for (Registered r : METRICS) {
            if (r.name.equals(name) && r.metric instanceof Histogram) {
                count += ((Histogram) r.metric).getCount();
            }
        }
        return count;
    }

    private static final class Registered {
        final Metric metric;
        final String name;

        Registered(Metric metric, String name) {
            this.metric = metric;
            this.name = name;
        }
    }
}
