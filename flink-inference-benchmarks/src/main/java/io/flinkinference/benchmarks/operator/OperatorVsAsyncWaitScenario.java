package io.flinkinference.benchmarks.operator;

import io.flinkinference.benchmarks.Scenario;
import io.flinkinference.benchmarks.harness.BenchCluster;
import io.flinkinference.benchmarks.harness.Diagnosis;
import io.flinkinference.benchmarks.harness.Format;
import io.flinkinference.benchmarks.harness.Progress;
import io.flinkinference.benchmarks.harness.RunSettings;
import io.flinkinference.benchmarks.harness.Samples;
import io.flinkinference.benchmarks.harness.ScenarioResult;

import java.time.Duration;

/**
 * Scenario 1: a slow, concurrency-limited service called per batch by our operator and per record
 * by Flink's {@code AsyncDataStream.unorderedWait}, on the same MiniCluster.
 */
public final class OperatorVsAsyncWaitScenario implements Scenario {

    static final Duration FIXED = Duration.ofMillis(20);
    static final Duration PER_ITEM = Duration.ofNanos(100_000);
    static final int CONCURRENCY = 8;
    static final int BATCH = 64;

    @Override
    public String name() {
        return "operator-vs-asyncwait";
    }

    @Override
    public int steps(RunSettings settings) {
        return 2 * settings.repeats();
    }

    @Override
    public ScenarioResult run(RunSettings settings, Progress progress) throws Exception {
        Samples samples = new Samples();
        double ourLimit;
        double theirLimit;
        try (SimulatedService service = new SimulatedService(FIXED, PER_ITEM, CONCURRENCY);
                BenchCluster cluster = new BenchCluster()) {
            ourLimit = service.limit(BATCH);
            theirLimit = service.limit(1);
            for (int r = 1; r <= settings.repeats(); r++) {
                String run = " run " + r + "/" + settings.repeats();
                progress.step("AsyncDataStream.unorderedWait" + run);
                double theirs =
                        cluster.recordsPerSecond(
                                OperatorJobs.asyncWait(
                                        new OperatorJobs.RecordServiceCall(), CONCURRENCY),
                                settings.warmup(),
                                settings.window());
                progress.step("AsyncBatchDataStream.unorderedWait" + run);
                double ours =
                        cluster.recordsPerSecond(
                                OperatorJobs.batchOperator(
                                        new OperatorJobs.BatchServiceCall(), BATCH, CONCURRENCY),
                                settings.warmup(),
                                settings.window());
                samples.add("theirs", theirs);
                samples.add("ours", ours);
                samples.add("ratio", ours / theirs);
            }
        }
        double ours = samples.median("ours");
        double theirs = samples.median("theirs");
        double ratio = samples.median("ratio");
        String load = Diagnosis.machineLoad();
        return ScenarioResult.builder(name(), "Batch operator vs AsyncDataStream.unorderedWait")
                .setup(
                        "A simulated service in the same JVM takes `20 ms + 0.1 ms × items` per"
                                + " call on its own 8 threads (at most 8 calls at once). Our"
                                + " operator calls it per batch (batch 64, 8 batches in flight,"
                                + " unordered); Flink's `AsyncDataStream.unorderedWait` calls it"
                                + " per record (capacity 8). Both on one MiniCluster, parallelism"
                                + " 1, source `fromSequence`, steady-state records/s counted at the"
                                + " sink after a warm-up. Limit = `concurrency × batch / (fixed +"
                                + " perItem × batch)`.")
                .figure("AsyncDataStream.unorderedWait", Format.rate(theirs))
                .figure(
                        "  share of its limit (" + Format.rate(theirLimit) + ")",
                        Format.percent(theirs / theirLimit))
                .figure("AsyncBatchDataStream.unorderedWait", Format.rate(ours))
                .figure(
                        "  share of its limit (" + Format.rate(ourLimit) + ")",
                        Format.percent(ours / ourLimit))
                .figure("ratio (median of per-run ratios)", Format.ratio(ratio))
                .check("ratio ≥ 30×", Format.ratio(ratio), ratio >= 30, load)
                .check(
                        "our operator ≥ 90% of its limit",
                        Format.percent(ours / ourLimit), ours >= 0.9 * ourLimit, load)
                .build();
    }
}
