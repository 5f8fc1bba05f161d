package io.flinkinference.benchmarks;

import io.flinkinference.benchmarks.operator.OperatorOverheadScenario;
import io.flinkinference.benchmarks.operator.OperatorVsAsyncWaitScenario;

import java.util.List;

/** The scenarios in the order {@code bin/bench} runs them. */
public final class Scenarios {

    private Scenarios() {}

    public static List<Scenario> all() {
        return List.of(new OperatorVsAsyncWaitScenario(), new OperatorOverheadScenario());
    }
}
