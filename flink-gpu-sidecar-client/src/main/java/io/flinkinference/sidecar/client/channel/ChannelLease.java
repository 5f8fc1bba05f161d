package io.flinkinference.sidecar.client.channel;

import io.grpc.ManagedChannel;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One user's hold on a shared channel from {@link SharedChannels}. Closing it (once; later calls
 * are ignored) returns the hold; the channel shuts down with the last one. Thread-safe.
 */
public final class ChannelLease implements AutoCloseable {

    private final String endpoint;
    private final ManagedChannel channel;
    private final AtomicBoolean closed = new AtomicBoolean();

    ChannelLease(String endpoint, ManagedChannel channel) {
        this.endpoint = endpoint;
        this.channel = channel;
    }

    public String endpoint() {
        return endpoint;
    }

    /** The shared channel; do not shut it down yourself. */
    public ManagedChannel channel() {
        return channel;
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            SharedChannels.release(endpoint, channel);
        }
    }
}
