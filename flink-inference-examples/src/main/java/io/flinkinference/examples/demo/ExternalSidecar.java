package io.flinkinference.examples.demo;

import io.flinkinference.sidecar.client.channel.SharedChannels;

import java.util.OptionalLong;

/** A sidecar someone else runs; the demo only knows its endpoint, not its counters. */
public final class ExternalSidecar implements SidecarHandle {

    private final String endpoint;

    public ExternalSidecar(String endpoint) {
        SharedChannels.parseEndpoint(endpoint);
        this.endpoint = endpoint;
    }

    @Override
    public String endpoint() {
        return endpoint;
    }

    @Override
    public String description() {
        return "external sidecar at " + endpoint + " (its counters are on its own metrics)";
    }

    @Override
    public OptionalLong counter(SidecarCounter counter) {
        return OptionalLong.empty();
    }

    @Override
    public void close() {}
}
