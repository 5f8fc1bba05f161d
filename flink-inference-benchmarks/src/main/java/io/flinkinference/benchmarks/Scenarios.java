package io.flinkinference.benchmarks;

import io.flinkinference.benchmarks.endtoend.EndToEndMiniLmScenario;
import io.flinkinference.benchmarks.operator.OperatorOverheadScenario;
import io.flinkinference.benchmarks.operator.OperatorVsAsyncWaitScenario;
import io.flinkinference.benchmarks.sidecar.SaturationScenario;
import io.flinkinference.benchmarks.sidecar.SidecarMockThroughputScenario;
import io.flinkinference.benchmarks.sidecar.SidecarOverheadScenario;

import java.util.Iterator;
import java.util.List;

/** The scenarios in the order {@code bin/bench} runs them. */
public final class Scenarios {

    private Scenarios() {}

    /** The scenario names, for {@code bin/bench --help}. */
    public static final class Names implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return all().stream().map(Scenario::name).iterator();
        }
    }

    public static List<Scenario> all() {
        return List.of(
                new OperatorVsAsyncWaitScenario(),
                new OperatorOverheadScenario(),
                new SidecarMockThroughputScenario(),
                new SidecarOverheadScenario(),
                new SaturationScenario(),
                new EndToEndMiniLmScenario());
    }
}
