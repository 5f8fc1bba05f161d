package io.flinkinference.sidecar.client;

import io.flinkinference.sidecar.client.channel.SharedChannels;

import org.apache.flink.configuration.ReadableConfig;

import java.io.Serializable;
import java.time.Duration;

/**
 * The settings of one {@link SidecarBatchFunction}'s connection to the sidecar. Immutable,
 * serializable and thread-safe; built (and validated) by {@link SidecarBatchFunction.Builder}, with
 * defaults from {@link SidecarClientOptions}.
 *
 * <p>Example:
 *
 * <pre>{@code
 * SidecarClientConfig config =
 *         SidecarBatchFunction.builder(TensorCodec.utf8()).endpoint("127.0.0.1:50051").build()
 *                 .getConfig();
 * Duration budget = config.retryMaxDuration(); // 60 s unless set
 * }</pre>
 */
public final class SidecarClientConfig implements Serializable {

    private static final long serialVersionUID = 1L;

    final String endpoint;
    final String model;
    final Duration requestTimeout;
    final Duration retryMaxDuration;
    final Duration retryDefaultDelay;
    final double retryJitter;
    final Duration reconnectInitialBackoff;
    final Duration reconnectMaxBackoff;
    final Duration reconnectMaxDuration;
    final int maxInFlightRequests;
    final int maxQueuedRequests;
    final long maxRequestBytes;

    SidecarClientConfig(ReadableConfig c) {
        this.endpoint = c.get(SidecarClientOptions.ENDPOINT);
        this.model = c.get(SidecarClientOptions.MODEL);
        this.requestTimeout = c.get(SidecarClientOptions.REQUEST_TIMEOUT);
        this.retryMaxDuration = c.get(SidecarClientOptions.RETRY_MAX_DURATION);
        this.retryDefaultDelay = c.get(SidecarClientOptions.RETRY_DEFAULT_DELAY);
        this.retryJitter = c.get(SidecarClientOptions.RETRY_JITTER);
        this.reconnectInitialBackoff = c.get(SidecarClientOptions.RECONNECT_INITIAL_BACKOFF);
        this.reconnectMaxBackoff = c.get(SidecarClientOptions.RECONNECT_MAX_BACKOFF);
        this.reconnectMaxDuration = c.get(SidecarClientOptions.RECONNECT_MAX_DURATION);
        this.maxInFlightRequests = c.get(SidecarClientOptions.MAX_IN_FLIGHT_REQUESTS);
        this.maxQueuedRequests = c.get(SidecarClientOptions.MAX_QUEUED_REQUESTS);
        this.maxRequestBytes = c.get(SidecarClientOptions.MAX_REQUEST_SIZE).getBytes();
        validate();
    }

    private void validate() {
        SharedChannels.parseEndpoint(endpoint);
        check(model != null, "model must not be null (\"\" selects the default model)");
        check(
                !requestTimeout.isNegative() && requestTimeout.toMillis() <= 0xFFFF_FFFFL,
                "requestTimeout must be between 0 and 2^32-1 ms, got " + requestTimeout);
        positive(retryMaxDuration, "retryMaxDuration");
        check(!retryDefaultDelay.isNegative(), "retryDefaultDelay must not be negative");
        check(retryJitter >= 0 && retryJitter <= 1, "retryJitter must be in [0, 1]");
        positive(reconnectInitialBackoff, "reconnectInitialBackoff");
        positive(reconnectMaxBackoff, "reconnectMaxBackoff");
        positive(reconnectMaxDuration, "reconnectMaxDuration");
        check(maxInFlightRequests >= 1, "maxInFlightRequests must be at least 1");
        check(maxQueuedRequests >= 0, "maxQueuedRequests must not be negative");
        check(maxRequestBytes >= 1, "maxRequestSize must be positive, got " + maxRequestBytes);
    }

    private static void positive(Duration d, String name) {
        check(d != null && !d.isNegative() && !d.isZero(), name + " must be positive, got " + d);
    }

    private static void check(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }

    public String endpoint() {
        return endpoint;
    }

    public String model() {
        return model;
    }

    public Duration requestTimeout() {
        return requestTimeout;
    }

    public Duration retryMaxDuration() {
        return retryMaxDuration;
    }

    public Duration retryDefaultDelay() {
        return retryDefaultDelay;
    }

    public double retryJitter() {
        return retryJitter;
    }

    public Duration reconnectInitialBackoff() {
        return reconnectInitialBackoff;
    }

    public Duration reconnectMaxBackoff() {
        return reconnectMaxBackoff;
    }

    public Duration reconnectMaxDuration() {
        return reconnectMaxDuration;
    }

    public int maxInFlightRequests() {
        return maxInFlightRequests;
    }

    /** The largest InferRequest, in bytes, the client will send. */
    public long maxRequestBytes() {
        return maxRequestBytes;
    }

    public int maxQueuedRequests() {
        return maxQueuedRequests;
    }

    @Override
    public String toString() {
        return "SidecarClientConfig{endpoint="
                + endpoint
                + ", model='"
                + model
                + "', requestTimeout="
                + requestTimeout
                + ", retryMaxDuration="
                + retryMaxDuration
                + ", reconnectMaxDuration="
                + reconnectMaxDuration
                + ", maxInFlightRequests="
                + maxInFlightRequests
                + ", maxQueuedRequests="
                + maxQueuedRequests
                + '}';
    }
}
