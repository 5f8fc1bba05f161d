package io.flinkinference.benchmarks;

import io.flinkinference.benchmarks.harness.Progress;
import io.flinkinference.benchmarks.harness.RunSettings;
import io.flinkinference.benchmarks.harness.ScenarioResult;

/**
 * One benchmark: measures the project's component and its baseline in the same run, repeats, and
 * returns the medians with the verdict against its documented expectation.
 */
public interface Scenario {

    /** The name {@code bin/bench NAME} selects, e.g. {@code operator-vs-asyncwait}. */
    String name();

    /** How many {@link Progress#step} calls {@link #run} makes, for the progress bar. */
    int steps(RunSettings settings);

    ScenarioResult run(RunSettings settings, Progress progress) throws Exception;
}
