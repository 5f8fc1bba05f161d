package io.flinkinference.sidecar.metrics;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.IllegalConfigurationException;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;
import org.apache.flink.metrics.reporter.Scheduled;
import org.apache.flink.util.TimeUtils;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The metric reporters configured exactly as in Flink: {@code
 * metrics.reporter.<name>.factory.class: <MetricReporterFactory class>} plus any {@code
 * metrics.reporter.<name>.<key>: <value>}, which reach the reporter's {@code open} as {@code
 * <key>}. {@code metrics.reporters: a,b} limits which configured reporters start. Factories are
 * found with {@link ServiceLoader}; a reporter that implements {@link Scheduled} is called every
 * {@code metrics.reporter.<name>.interval} (default 10 s).
 *
 * <p>Thread-safe: {@link #metricAdded} may be called from any thread. A reporter that throws while
 * being notified or reporting is logged and kept; a factory class that cannot be found is a
 * configuration error naming the option.
 */
public final class MetricReporters implements MetricListener, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MetricReporters.class);
    private static final String PREFIX = "metrics.reporter.";
    private static final String FACTORY_CLASS = "factory.class";
    private static final String INTERVAL = "interval";
    private static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(10);

    private final Map<String, MetricReporter> reporters;
    private final ScheduledExecutorService scheduler;

    private MetricReporters(
            Map<String, MetricReporter> reporters, Map<String, Duration> intervals) {
        this.reporters = reporters;
        ScheduledExecutorService s = null;
        for (Map.Entry<String, MetricReporter> e : reporters.entrySet()) {
            if (e.getValue() instanceof Scheduled) {
                if (s == null) {
                    s =
                            Executors.newSingleThreadScheduledExecutor(
                                    r -> {
                                        Thread t = new Thread(r, "sidecar-metric-reporter");
                                        t.setDaemon(true);
                                        return t;
                                    });
                }
                Scheduled scheduled = (Scheduled) e.getValue();
                long millis = intervals.get(e.getKey()).toMillis();
                s.scheduleWithFixedDelay(
                        () -> report(e.getKey(), scheduled), millis, millis, TimeUnit.MILLISECONDS);
            }
        }
        this.scheduler = s;
    }

    /** Creates and opens every reporter {@code config} names; none when it names none. */
    public static MetricReporters fromConfiguration(Configuration config) {
        Map<String, String> all = config.toMap();
        Set<String> names = new TreeSet<>();
        for (String key : all.keySet()) {
            if (key.startsWith(PREFIX) && key.endsWith("." + FACTORY_CLASS)) {
                names.add(
                        key.substring(PREFIX.length(), key.length() - FACTORY_CLASS.length() - 1));
            }
        }
        String enabled = all.get("metrics.reporters");
        if (enabled != null && !enabled.isBlank()) {
            names.retainAll(Arrays.asList(enabled.trim().split("\\s*[,;]\\s*")));
        }
        Map<String, MetricReporterFactory> factories = new LinkedHashMap<>();
        for (MetricReporterFactory f : ServiceLoader.load(MetricReporterFactory.class)) {
            factories.put(f.getClass().getName(), f);
        }
        Map<String, MetricReporter> reporters = new LinkedHashMap<>();
        Map<String, Duration> intervals = new LinkedHashMap<>();
        try {
            for (String name : names) {
                String prefix = PREFIX + name + ".";
                String factoryKey = prefix + FACTORY_CLASS;
                String factoryClass = all.get(factoryKey).trim();
                MetricReporterFactory factory = factories.get(factoryClass);
                if (factory == null) {
                    throw new IllegalConfigurationException(
                            factoryKey
                                    + ": no MetricReporterFactory '"
                                    + factoryClass
                                    + "' on the classpath (found: "
                                    + factories.keySet()
                                    + ")");
                }
                MetricConfig properties = new MetricConfig();
                all.forEach(
                        (k, v) -> {
                            if (k.startsWith(prefix)) {
                                properties.setProperty(k.substring(prefix.length()), v);
                            }
                        });
                intervals.put(name, interval(prefix + INTERVAL, all.get(prefix + INTERVAL)));
                MetricReporter reporter = factory.createMetricReporter(properties);
                reporter.open(properties);
                reporters.put(name, reporter);
                LOG.info("Started metric reporter {} ({})", name, factoryClass);
            }
        } catch (RuntimeException e) {
            reporters.values().forEach(MetricReporters::closeQuietly);
            throw e;
        }
        return new MetricReporters(reporters, intervals);
    }

    private static Duration interval(String key, String value) {
        if (value == null) {
            return DEFAULT_INTERVAL;
        }
        try {
            Duration d = TimeUtils.parseDuration(value);
            if (d.isZero() || d.isNegative()) {
                throw new IllegalArgumentException("must be positive");
            }
            return d;
        } catch (IllegalArgumentException e) {
            throw new IllegalConfigurationException(
                    key + ": '" + value + "' is not a positive duration (" + e.getMessage() + ")");
        }
    }

    /** The names of the running reporters. */
    public List<String> names() {
        return new ArrayList<>(reporters.keySet());
    }

    @Override
    public void metricAdded(Metric metric, String name, MetricGroup group) {
        reporters.forEach(
                (reporterName, reporter) -> {
                    try {
                        reporter.notifyOfAddedMetric(metric, name, group);
                    } catch (RuntimeException e) {
                        LOG.warn("Metric reporter {} failed to add {}", reporterName, name, e);
                    }
                });
    }

    private static void report(String name, Scheduled reporter) {
        try {
            reporter.report();
        } catch (RuntimeException e) {
            LOG.warn("Metric reporter {} failed to report", name, e);
        }
    }

    /** Stops scheduling and closes every reporter. */
    @Override
    public void close() {
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
        reporters.values().forEach(MetricReporters::closeQuietly);
    }

    private static void closeQuietly(MetricReporter reporter) {
        try {
            reporter.close();
        } catch (RuntimeException e) {
            LOG.warn("Metric reporter {} failed to close", reporter, e);
        }
    }
}
