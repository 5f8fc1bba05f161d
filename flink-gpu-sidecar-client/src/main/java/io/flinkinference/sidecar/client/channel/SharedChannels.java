package io.flinkinference.sidecar.client.channel;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One gRPC {@link ManagedChannel} per sidecar endpoint, shared by every subtask of the JVM (more
 * precisely: of the class loader that loaded this class, which is the whole TaskManager when the
 * client jar is in Flink's {@code lib/}, and one job otherwise).
 *
 * <p>Channels are reference-counted: {@link #acquire(String)} creates the channel on first use and
 * {@link ChannelLease#close()} shuts it down when the last lease is returned.
 *
 * <p>Thread-safety: all methods are safe to call from any thread.
 *
 * <p>Example:
 *
 * <pre>{@code
 * try (ChannelLease lease = SharedChannels.acquire("127.0.0.1:50051")) {
 *     InferenceSidecarGrpc.newStub(lease.channel()).getModelInfo(...);
 * }
 * }</pre>
 */
public final class SharedChannels {

    private static final Logger LOG = LoggerFactory.getLogger(SharedChannels.class);

    private static final Map<String, Entry> CHANNELS = new HashMap<>();

    private SharedChannels() {}

    /**
     * A lease on the channel to {@code endpoint} ({@code host:port}); close it exactly once.
     *
     * @throws IllegalArgumentException if the endpoint is not {@code host:port}
     */
    public static ChannelLease acquire(String endpoint) {
        InetSocketAddress address = parseEndpoint(endpoint);
        synchronized (CHANNELS) {
            Entry entry = CHANNELS.get(endpoint);
            if (entry == null) {
                ManagedChannel channel =
                        NettyChannelBuilder.forAddress(address)
                                .usePlaintext()
                                .maxInboundMessageSize(64 * 1024 * 1024)
                                // No keepalive pings: the sidecar is on loopback (a dead process
                                // closes the socket), and a gRPC server that does not permit
                                // frequent pings answers them with GOAWAY too_many_pings.
                                .build();
                entry = new Entry(channel);
                CHANNELS.put(endpoint, entry);
                LOG.info("Opened the shared channel to sidecar {}", endpoint);
            }
            entry.references++;
            return new ChannelLease(endpoint, entry.channel);
        }
    }

    /** The number of leases currently held on {@code endpoint}'s channel (0 if none is open). */
    public static int references(String endpoint) {
        synchronized (CHANNELS) {
            Entry entry = CHANNELS.get(endpoint);
            return entry == null ? 0 : entry.references;
        }
    }

    static void release(String endpoint, ManagedChannel channel) {
        ManagedChannel toClose = null;
        synchronized (CHANNELS) {
            Entry entry = CHANNELS.get(endpoint);
            if (entry == null || entry.channel != channel) {
                return;
            }
            if (--entry.references == 0) {
                CHANNELS.remove(endpoint);
                toClose = entry.channel;
            }
        }
        if (toClose != null) {
            toClose.shutdownNow();
            try {
                toClose.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            LOG.info("Closed the shared channel to sidecar {}", endpoint);
        }
    }

    /**
     * Parses {@code host:port} ({@code [v6]:port} for IPv6 literals).
     *
     * @throws IllegalArgumentException naming the endpoint if it is malformed
     */
    public static InetSocketAddress parseEndpoint(String endpoint) {
        int colon = endpoint == null ? -1 : endpoint.lastIndexOf(':');
        if (colon <= 0 || colon == endpoint.length() - 1) {
            throw new IllegalArgumentException(
                    "sidecar endpoint must be host:port, got '" + endpoint + "'");
        }
        String host = endpoint.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(endpoint.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "sidecar endpoint must be host:port, got '" + endpoint + "'", e);
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException(
                    "sidecar endpoint port must be in 1..65535, got '" + endpoint + "'");
        }
        return new InetSocketAddress(host, port);
    }

    private static final class Entry {
        final ManagedChannel channel;
        int references;

        Entry(ManagedChannel channel) {
            this.channel = channel;
        }
    }
}
