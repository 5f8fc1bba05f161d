package io.flinkinference.sidecar;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns SIGTERM and SIGINT into a callback instead of the JVM's default exit (status 143/130), so
 * that the sidecar can close gracefully and exit 0. Falls back to a shutdown hook where signal
 * handling is unavailable.
 */
final class StopSignals {

    private static final Logger LOG = LoggerFactory.getLogger(StopSignals.class);

    private StopSignals() {}

    static void install(Runnable onStop) {
        try {
            for (String name : new String[] {"TERM", "INT"}) {
                sun.misc.Signal.handle(
                        new sun.misc.Signal(name),
                        signal -> {
                            LOG.info("received SIG{}, stopping gracefully", signal.getName());
                            onStop.run();
                        });
            }
        } catch (Throwable t) {
            LOG.warn("cannot handle signals ({}); using a shutdown hook", t.toString());
            Runtime.getRuntime().addShutdownHook(new Thread(onStop, "sidecar-shutdown"));
        }
    }
}
