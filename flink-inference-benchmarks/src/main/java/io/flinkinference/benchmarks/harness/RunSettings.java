package io.flinkinference.benchmarks.harness;

import java.time.Duration;

/**
 * How long and how often each scenario measures.
 *
 * @param quick the {@code --quick} mode: shorter windows and one repeat
 * @param repeats how many times each scenario measures (the report gives the median)
 * @param warmup run time discarded before each measurement window
 * @param window the measurement window of each run
 */
public record RunSettings(boolean quick, int repeats, Duration warmup, Duration window) {

    public static RunSettings of(boolean quick, Integer repeats) {
        int n = repeats != null ? repeats : (quick ? 1 : 3);
        return quick
                ? new RunSettings(true, n, Duration.ofSeconds(2), Duration.ofSeconds(3))
                : new RunSettings(false, n, Duration.ofSeconds(5), Duration.ofSeconds(10));
    }
}
