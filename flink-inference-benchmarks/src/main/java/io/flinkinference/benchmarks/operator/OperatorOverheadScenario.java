package io.flinkinference.benchmarks.operator;

import io.flinkinference.benchmarks.Scenario;
import io.flinkinference.benchmarks.harness.Diagnosis;
import io.flinkinference.benchmarks.harness.Format;
import io.flinkinference.benchmarks.harness.Progress;
import io.flinkinference.benchmarks.harness.RunSettings;
import io.flinkinference.benchmarks.harness.Samples;
import io.flinkinference.benchmarks.harness.ScenarioResult;

import java.util.stream.Collectors;

/**
 * Scenario 2: the operator's own cost. An instantly completing function in our operator, against a
 * chained {@code map} and Flink's {@code AsyncDataStream.unorderedWait} on the same input.
 */
public final class OperatorOverheadScenario implements Scenario {

    static final int BATCH = 64;
    static final int IN_FLIGHT = 8;
    static final int ASYNC_CAPACITY = 100;

    @Override
    public String name() {
        return "operator-overhead";
    }

    @Override
    public int steps(RunSettings settings) {
        return 3 * settings.repeats();
    }

    @Override
    public ScenarioResult run(RunSettings settings, Progress progress) throws Exception {
        Samples samples = new Samples();
        for (int r = 1; r <= settings.repeats(); r++) {
            String run = " run " + r + "/" + settings.repeats();
            progress.step("map" + run);
            double mapRate =
                    OverheadPipeline.MAP.measureForked(settings.warmup(), settings.window());
            progress.step("AsyncBatchDataStream" + run);
            double ours =
                    OverheadPipeline.BATCH_OPERATOR.measureForked(
                            settings.warmup(), settings.window());
            progress.step("AsyncDataStream" + run);
            double theirs =
                    OverheadPipeline.ASYNC_WAIT.measureForked(settings.warmup(), settings.window());
            samples.add("map", mapRate);
            samples.add("ours", ours);
            samples.add("theirs", theirs);
            samples.add("ours/map", ours / mapRate);
            samples.add("theirs/map", theirs / mapRate);
        }
        double share = samples.median("ours/map");
        return ScenarioResult.builder(name(), "Operator overhead with an instant function")
                .setup(
                        "Same source and counting sink, all chained, parallelism 1, each"
                                + " pipeline measured in its own fresh JVM (forked with this"
                                + " JVM's flags, as JMH does: with an instant function the JIT"
                                + " profile of the shared source and sink code decides the"
                                + " figure, and a pipeline measured after another in one JVM"
                                + " inherits that one's profile). A `map(x -> x)`; our operator (batch 64, 8 in flight, 10 ms batch delay, the"
                                + " other options at their defaults) with a function that"
                                + " completes each batch at once on the task thread; Flink's"
                                + " `AsyncDataStream.unorderedWait` (capacity 100) completing each"
                                + " record at once.")
                .figure("map", Format.rate(samples.median("map")))
                .figure("AsyncBatchDataStream.unorderedWait", Format.rate(samples.median("ours")))
                .figure("AsyncDataStream.unorderedWait", Format.rate(samples.median("theirs")))
                .figure("ours / map", Format.percent(share))
                .figure(
                        "ours / map, each run",
                        samples.all("ours/map").stream()
                                .map(Format::percent)
                                .collect(Collectors.joining(", ")))
                .figure("AsyncDataStream / map", Format.percent(samples.median("theirs/map")))
                .check(
                        "our operator ≥ 50% of map's records/s",
                        Format.percent(share), share >= 0.5, Diagnosis.machineLoad())
                .build();
    }
}
