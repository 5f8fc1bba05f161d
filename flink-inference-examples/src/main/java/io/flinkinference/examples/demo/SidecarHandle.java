package io.flinkinference.examples.demo;

import java.util.OptionalLong;

/** The sidecar the demo talks to: embedded (with counters) or external (endpoint only). */
public interface SidecarHandle extends AutoCloseable {

    String endpoint();

    /** In words, for the summary, e.g. "embedded, mock backend, 2 ms + 20 us/item". */
    String description();

    /** The sidecar's counter, when the demo can read it (embedded sidecar only). */
    OptionalLong counter(SidecarCounter counter);

    @Override
    void close();

    /** The sidecar counters the summary shows next to the client's. */
    enum SidecarCounter {
        REQUESTS_RECEIVED,
        REQUESTS_SUCCEEDED,
        REQUESTS_REJECTED,
        REQUESTS_EXPIRED,
        REQUESTS_FAILED,
        BATCHES_EXECUTED,
        QUEUE_DEPTH
    }
}
