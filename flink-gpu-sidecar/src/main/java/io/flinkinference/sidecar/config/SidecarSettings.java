package io.flinkinference.sidecar.config;

import io.flinkinference.sidecar.SidecarOptions;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.IllegalConfigurationException;
import org.apache.flink.configuration.MemorySize;

import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;
import java.util.TreeSet;

/**
 * The server's options, read and checked once. Every problem is an {@link
 * IllegalConfigurationException} whose message starts with the offending option's key. Immutable;
 * thread-safe.
 *
 * @param host the interface to bind, as written in {@code sidecar.rpc.endpoint}
 * @param port the port to bind; 0 picks a free one
 */
public record SidecarSettings(
        String host,
        int port,
        int maxMessageBytes,
        int streamMaxInFlight,
        int streamMaxBufferedResponses,
        int rpcExecutorThreads,
        int queueMaxLength,
        Duration queueMaxWait,
        int batchMaxSize,
        Duration batchTimeout,
        int backendWorkers,
        String backend,
        Duration shutdownGracePeriod) {

    /**
     * Reads and checks {@code config}.
     *
     * @param backendOptions the options of every known backend: a {@code sidecar.*} key that is
     *     neither one of {@link SidecarOptions#ALL} nor one of these is rejected as a typo
     */
    public static SidecarSettings from(
            Configuration config, Collection<ConfigOption<?>> backendOptions) {
        Set<String> known = new HashSet<>();
        SidecarOptions.ALL.forEach(o -> known.add(o.key()));
        backendOptions.forEach(o -> known.add(o.key()));
        Set<String> unknown = new TreeSet<>();
        for (String key : config.keySet()) {
            if (key.startsWith("sidecar.") && !known.contains(key)) {
                unknown.add(key);
            }
        }
        if (!unknown.isEmpty()) {
            throw new IllegalConfigurationException(
                    unknown.iterator().next()
                            + ": unknown option (unknown: "
                            + unknown
                            + "; see --help for the options)");
        }
        for (ConfigOption<?> option : backendOptions) {
            read(config, option); // surfaces unparsable backend values early, naming the key
        }

        String endpoint = read(config, SidecarOptions.RPC_ENDPOINT).trim();
        int colon = endpoint.lastIndexOf(':');
        if (colon <= 0) {
            throw invalid(SidecarOptions.RPC_ENDPOINT, endpoint, "expected host:port");
        }
        String host = endpoint.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(endpoint.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw invalid(SidecarOptions.RPC_ENDPOINT, endpoint, "the port is not a number");
        }
        if (host.isEmpty() || port < 0 || port > 65535) {
            throw invalid(
                    SidecarOptions.RPC_ENDPOINT, endpoint, "expected host:port, port 0-65535");
        }

        MemorySize messageSize = read(config, SidecarOptions.RPC_MAX_MESSAGE_SIZE);
        if (messageSize.getBytes() < 1 || messageSize.getBytes() > Integer.MAX_VALUE) {
            throw invalid(
                    SidecarOptions.RPC_MAX_MESSAGE_SIZE,
                    messageSize,
                    "must be 1 byte to 2 GiB - 1");
        }
        String backend = read(config, SidecarOptions.BACKEND).trim();
        if (backend.isEmpty()) {
            throw invalid(SidecarOptions.BACKEND, backend, "must name a backend");
        }
        return new SidecarSettings(
                host,
                port,
                (int) messageSize.getBytes(),
                positive(config, SidecarOptions.RPC_STREAM_MAX_IN_FLIGHT),
                positive(config, SidecarOptions.RPC_STREAM_MAX_BUFFERED_RESPONSES),
                positive(config, SidecarOptions.RPC_EXECUTOR_THREADS),
                positive(config, SidecarOptions.QUEUE_MAX_LENGTH),
                duration(config, SidecarOptions.QUEUE_MAX_WAIT, false),
                positive(config, SidecarOptions.BATCH_MAX_SIZE),
                duration(config, SidecarOptions.BATCH_TIMEOUT, true),
                positive(config, SidecarOptions.BACKEND_WORKERS),
                backend,
                duration(config, SidecarOptions.SHUTDOWN_GRACE_PERIOD, true));
    }

    /** {@code host:port} with {@code port} in place of the configured one. */
    public String endpoint(int boundPort) {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + boundPort;
    }

    private static <T> T read(Configuration config, ConfigOption<T> option) {
        try {
            return config.get(option);
        } catch (RuntimeException e) {
            throw new IllegalConfigurationException(
                    option.key() + ": cannot read '" + raw(config, option) + "': " + e.getMessage(),
                    e);
        }
    }

    private static String raw(Configuration config, ConfigOption<?> option) {
        return config.toMap().getOrDefault(option.key(), "");
    }

    private static int positive(Configuration config, ConfigOption<Integer> option) {
        int value = read(config, option);
        if (value < 1) {
            throw invalid(option, value, "must be at least 1");
        }
        return value;
    }

    private static Duration duration(
            Configuration config, ConfigOption<Duration> option, boolean zeroAllowed) {
        Duration value = read(config, option);
        if (value.isNegative() || (!zeroAllowed && value.isZero())) {
            throw invalid(option, value, zeroAllowed ? "must not be negative" : "must be positive");
        }
        return value;
    }

    private static IllegalConfigurationException invalid(
            ConfigOption<?> option, Object value, String why) {
        return new IllegalConfigurationException(
                option.key() + ": invalid value '" + value + "': " + why);
    }
}
