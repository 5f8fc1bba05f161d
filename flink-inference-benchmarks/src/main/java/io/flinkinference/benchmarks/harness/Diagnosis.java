package io.flinkinference.benchmarks.harness;

import java.util.Locale;

/** Facts a scenario attaches to a missed expectation, so the report says what was observed. */
public final class Diagnosis {

    private Diagnosis() {}

    /** The machine's load next to its core count: a load above the cores means CPU contention. */
    public static String machineLoad() {
        double load = MachineFacts.loadAverage();
        int cores = Runtime.getRuntime().availableProcessors();
        return String.format(
                Locale.ROOT,
                "1-min load average %.2f on %d cores at the end of the scenario%s",
                load,
                cores,
                load > cores
                        ? " (CPU oversubscribed: other processes competed for the cores)"
                        : "");
    }
}
