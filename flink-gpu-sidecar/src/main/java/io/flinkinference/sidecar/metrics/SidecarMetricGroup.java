package io.flinkinference.sidecar.metrics;

import org.apache.flink.metrics.CharacterFilter;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.LogicalScopeProvider;
import org.apache.flink.metrics.Meter;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.ThreadSafeSimpleCounter;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * A self-contained Flink {@link MetricGroup} for the sidecar process, so that Flink's {@link
 * org.apache.flink.metrics.reporter.MetricReporter}s (Prometheus, JMX, Slf4j, ...) can report the
 * sidecar's metrics without a Flink runtime.
 *
 * <p>The root group has scope components {@code [<host>, sidecar]}, logical scope {@code sidecar}
 * and the variable {@code <host>}; so Prometheus shows e.g. {@code
 * flink_sidecar_requestsReceived{host="..."}}. {@link #addGroup(String)} appends a component to
 * both scopes; {@link #addGroup(String, String)} appends the key to the logical scope and the value
 * to the scope components and adds the variable {@code <key>}.
 *
 * <p>Thread-safe. Registering a second metric under a taken name logs a warning and does not
 * replace the first (as Flink does).
 */
public final class SidecarMetricGroup implements MetricGroup, LogicalScopeProvider {

    private static final Logger LOG = LoggerFactory.getLogger(SidecarMetricGroup.class);

    private final MetricListener listener;
    private final List<String> scope;
    private final List<String> logicalScope;
    private final Map<String, String> variables;
    private final Map<String, Metric> metrics = new ConcurrentHashMap<>();

    private SidecarMetricGroup(
            MetricListener listener,
            List<String> scope,
            List<String> logicalScope,
            Map<String, String> variables) {
        this.listener = listener;
        this.scope = List.copyOf(scope);
        this.logicalScope = List.copyOf(logicalScope);
        this.variables = Collections.unmodifiableMap(new LinkedHashMap<>(variables));
    }

    /** The root group {@code <host>.sidecar}, telling {@code listener} about every metric. */
    public static SidecarMetricGroup root(String host, MetricListener listener) {
        return new SidecarMetricGroup(
                listener, List.of(host, "sidecar"), List.of("sidecar"), Map.of("<host>", host));
    }

    /** The metrics registered directly in this group, by name. */
    public Map<String, Metric> metrics() {
        return Collections.unmodifiableMap(metrics);
    }

    @Override
    public Counter counter(String name) {
        return counter(name, new ThreadSafeSimpleCounter());
    }

    @Override
    public <C extends Counter> C counter(String name, C counter) {
        return register(name, counter);
    }

    @Override
    public <T, G extends Gauge<T>> G gauge(String name, G gauge) {
        return register(name, gauge);
    }

    @Override
    public <H extends Histogram> H histogram(String name, H histogram) {
        return register(name, histogram);
    }

    @Override
    public <M extends Meter> M meter(String name, M meter) {
        return register(name, meter);
    }

    private <M extends Metric> M register(String name, M metric) {
        if (metrics.putIfAbsent(name, metric) != null) {
            LOG.warn(
                    "Metric {} is already registered in {}; the new one is not reported.",
                    name,
                    getMetricIdentifier(name));
            return metric;
        }
        listener.metricAdded(metric, name, this);
        return metric;
    }

    @Override
    public MetricGroup addGroup(String name) {
        return new SidecarMetricGroup(
                listener, append(scope, name), append(logicalScope, name), variables);
    }

    @Override
    public MetricGroup addGroup(String key, String value) {
        Map<String, String> vars = new LinkedHashMap<>(variables);
        vars.put("<" + key + ">", value);
        return new SidecarMetricGroup(
                listener, append(append(scope, key), value), append(logicalScope, key), vars);
    }

    private static List<String> append(List<String> list, String element) {
        List<String> copy = new ArrayList<>(list);
        copy.add(element);
        return copy;
    }

    @Override
    public String[] getScopeComponents() {
        return scope.toArray(new String[0]);
    }

    @Override
    public Map<String, String> getAllVariables() {
        return variables;
    }

    @Override
    public String getMetricIdentifier(String metricName) {
        return getMetricIdentifier(metricName, s -> s);
    }

    @Override
    public String getMetricIdentifier(String metricName, CharacterFilter filter) {
        return join(scope, filter, '.') + '.' + filter.filterCharacters(metricName);
    }

    @Override
    public String getLogicalScope(CharacterFilter filter) {
        return getLogicalScope(filter, '.');
    }

    @Override
    public String getLogicalScope(CharacterFilter filter, char delimiter) {
        return join(logicalScope, filter, delimiter);
    }

    @Override
    public MetricGroup getWrappedMetricGroup() {
        return this;
    }

    private static String join(List<String> parts, CharacterFilter filter, char delimiter) {
        return parts.stream()
                .map(filter::filterCharacters)
                .collect(Collectors.joining(String.valueOf(delimiter)));
    }

    @Override
    public String toString() {
        return "SidecarMetricGroup" + Arrays.toString(getScopeComponents());
    }
}
