package io.flinkinference.benchmarks.sidecar;

import io.flinkinference.benchmarks.Scenario;
import io.flinkinference.benchmarks.harness.Charts;
import io.flinkinference.benchmarks.harness.Diagnosis;
import io.flinkinference.benchmarks.harness.Format;
import io.flinkinference.benchmarks.harness.Latency;
import io.flinkinference.benchmarks.harness.Progress;
import io.flinkinference.benchmarks.harness.RunSettings;
import io.flinkinference.benchmarks.harness.Samples;
import io.flinkinference.benchmarks.harness.ScenarioResult;

import org.knowm.xchart.XYChart;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Scenario 3: the sidecar with the mock backend under a load generator of several concurrent bidi
 * streams, swept over offered load (and, at saturation, over batch size).
 */
public final class SidecarMockThroughputScenario implements Scenario {

    static final Duration FIXED = Duration.ofMillis(5);
    static final Duration PER_ITEM = Duration.ofNanos(50_000);
    static final Duration BATCH_TIMEOUT = Duration.ofMillis(5);
    static final int BATCH = 32;
    static final int WORKERS = 2;
    static final int STREAMS = 4;
    static final int PAYLOAD_BYTES = 16;

    /** Offered load as a share of the limit; 0 is the unpaced closed loop (saturation). */
    static final double SATURATION = 0;

    /** A short unmeasured pass first, so the first load point does not pay for JIT compilation. */
    static final RunSettings WARM_UP_PASS =
            new RunSettings(true, 1, Duration.ofSeconds(1), Duration.ofSeconds(2));

    @Override
    public String name() {
        return "sidecar-mock-throughput";
    }

    private static double[] loads(RunSettings settings) {
        return settings.quick()
                ? new double[] {0.25, 0.5, SATURATION}
                : new double[] {0.1, 0.25, 0.5, 0.75, 0.9, SATURATION};
    }

    private static int[] batchSizes(RunSettings settings) {
        return settings.quick() ? new int[] {8, BATCH} : new int[] {1, 4, 8, 16, BATCH, 64};
    }

    @Override
    public int steps(RunSettings settings) {
        return 1 + settings.repeats() * loads(settings).length + batchSizes(settings).length;
    }

    /** One load point on a fresh sidecar: the client's result and the sidecar's stage figures. */
    record Point(InferLoad.Result client, StageStats server) {}

    static Point measure(int batch, double rate, int windowPerStream, RunSettings settings)
            throws Exception {
        try (SidecarUnderTest sidecar =
                SidecarUnderTest.start(
                        SidecarUnderTest.mock(FIXED, PER_ITEM, batch, BATCH_TIMEOUT, WORKERS))) {
            InferLoad.Result result =
                    InferLoad.run(
                            sidecar.channel(),
                            new InferLoad.Spec(
                                    STREAMS,
                                    windowPerStream,
                                    rate,
                                    settings.warmup(),
                                    settings.window(),
                                    InferLoad.RequestMaker.fixed(PAYLOAD_BYTES)));
            return new Point(result, StageStats.of(sidecar.metrics()));
        }
    }

    /**
     * Enough outstanding requests to keep every worker busy with full batches, and a full queue.
     */
    static int saturatingWindow(int batch) {
        return Math.max(16, 2 * WORKERS * batch / STREAMS);
    }

    @Override
    public ScenarioResult run(RunSettings settings, Progress progress) throws Exception {
        double limit = SidecarUnderTest.mockLimit(FIXED, PER_ITEM, BATCH, WORKERS);
        double[] loads = loads(settings);
        progress.step("JVM warm-up pass (not measured)");
        measure(BATCH, 0, saturatingWindow(BATCH), WARM_UP_PASS);
        List<List<Point>> byLoad = new ArrayList<>();
        for (double load : loads) {
            List<Point> repeats = new ArrayList<>();
            for (int r = 1; r <= settings.repeats(); r++) {
                progress.step(label(load) + " run " + r + "/" + settings.repeats());
                repeats.add(
                        load == SATURATION
                                ? measure(BATCH, 0, saturatingWindow(BATCH), settings)
                                : measure(BATCH, load * limit, 1024, settings));
            }
            byLoad.add(repeats);
        }
        int[] batches = batchSizes(settings);
        Samples batchSweep = new Samples();
        // The batch-size sweep feeds the plot only: one run per point.
        for (int b : batches) {
            progress.step("batch " + b + " saturated");
            batchSweep.add(
                    "b" + b,
                    measure(b, 0, saturatingWindow(b), settings)
                            .client()
                            .windowSucceededPerSecond());
        }

        List<List<String>> rows = new ArrayList<>();
        XYChart latencyChart =
                Charts.lines(
                        "Sidecar (mock 5 ms + 0.05 ms/item, batch 32, 2 workers): client latency",
                        "achieved requests/s",
                        "latency (ms)");
        List<Double> xs = new ArrayList<>();
        List<Double> p50 = new ArrayList<>();
        List<Double> p90 = new ArrayList<>();
        List<Double> p99 = new ArrayList<>();
        Point half = null;
        Point saturated = null;
        for (int i = 0; i < loads.length; i++) {
            Point p = medianByThroughput(byLoad.get(i));
            Latency.Summary l = p.client().success();
            rows.add(
                    List.of(
                            label(loads[i]),
                            loads[i] == SATURATION ? "unpaced" : Format.rate(loads[i] * limit),
                            Format.rate(p.client().windowSucceededPerSecond()),
                            l.format(),
                            p.server().queue(),
                            p.server().backend(),
                            p.server().endToEnd(),
                            Format.num(p.server().meanBatch())));
            xs.add(p.client().windowSucceededPerSecond());
            p50.add(l.p50());
            p90.add(l.p90());
            p99.add(l.p99());
            if (loads[i] == 0.5) {
                half = p;
            }
            if (loads[i] == SATURATION) {
                saturated = p;
            }
        }
        Charts.series(latencyChart, "p50", xs, p50);
        Charts.series(latencyChart, "p90", xs, p90);
        Charts.series(latencyChart, "p99", xs, p99);

        XYChart batchChart =
                Charts.lines(
                        "Sidecar (mock 5 ms + 0.05 ms/item, 2 workers) at saturation",
                        "sidecar.batch.max-size",
                        "requests/s");
        List<Double> bx = new ArrayList<>();
        List<Double> measured = new ArrayList<>();
        List<Double> limits = new ArrayList<>();
        for (int b : batches) {
            bx.add((double) b);
            measured.add(batchSweep.median("b" + b));
            limits.add(SidecarUnderTest.mockLimit(FIXED, PER_ITEM, b, WORKERS));
        }
        Charts.series(batchChart, "measured", bx, measured);
        Charts.series(batchChart, "limit workers × b / (fixed + perItem × b)", bx, limits);

        double satRate = saturated.client().windowSucceededPerSecond();
        double serviceMs = (FIXED.toNanos() + PER_ITEM.toNanos() * BATCH) / 1e6;
        double bound = BATCH_TIMEOUT.toMillis() + serviceMs + 2;
        double halfP99 = half.client().success().p99();
        return ScenarioResult.builder(name(), "Sidecar throughput and latency, mock backend")
                .setup(
                        "In-process sidecar (mock backend `fixed = 5 ms`, `per-item = 0.05 ms`,"
                                + " `sidecar.batch.max-size = 32`, `sidecar.batch.timeout = 5 ms`,"
                                + " 2 workers) on loopback; the load generator drives "
                                + STREAMS
                                + " concurrent Infer bidi streams (16-byte payloads), each with a"
                                + " bounded number of requests outstanding (closed loop), paced to"
                                + " the offered load; *saturation* is unpaced with "
                                + saturatingWindow(BATCH)
                                + " outstanding per stream. A fresh sidecar per point. Client"
                                + " latency is send → answer over the window; the sidecar's stage"
                                + " figures (p50 / p99) come from its own metrics and include the"
                                + " warm-up. The batch-size plot is one run per point. Limit = `workers × batch / (fixed + perItem × batch)` = "
                                + Format.rate(limit)
                                + ".")
                .figure("limit", Format.rate(limit))
                .figure("throughput at saturation", Format.rate(satRate))
                .figure("  share of the limit", Format.percent(satRate / limit))
                .figure("p99 at half load (client)", Format.ms(halfP99) + " ms")
                .figure("  bound: batch timeout + service time + 2 ms", Format.ms(bound) + " ms")
                .details(
                        new ScenarioResult.Table(
                                List.of(
                                        "offered (× limit)",
                                        "offered",
                                        "achieved",
                                        "client p50/p90/p99/p99.9/max ms",
                                        "sidecar queue p50/p99 ms",
                                        "backend p50/p99 ms",
                                        "sidecar end-to-end p50/p99 ms",
                                        "mean batch"),
                                rows))
                .check(
                        "≥ 90% of the limit at saturation",
                        Format.percent(satRate / limit),
                        satRate >= 0.9 * limit,
                        "mean batch "
                                + Format.num(saturated.server().meanBatch())
                                + ", sidecar queue p50 "
                                + Format.ms(saturated.server().queueP50())
                                + " ms; "
                                + Diagnosis.machineLoad())
                .check(
                        "p99 at half load ≤ batch timeout + service time + 2 ms = "
                                + Format.ms(bound)
                                + " ms",
                        Format.ms(halfP99) + " ms",
                        halfP99 <= bound,
                        "sidecar's own end-to-end p99 "
                                + Format.ms(half.server().endToEndP99())
                                + " ms, backend p99 "
                                + Format.ms(half.server().backendP99())
                                + " ms; "
                                + Diagnosis.machineLoad())
                .plot(
                        "bench-sidecar-latency-vs-load.png",
                        "Client latency percentiles vs achieved load",
                        latencyChart)
                .plot(
                        "bench-sidecar-throughput-vs-batch.png",
                        "Saturated throughput vs batch size, with the limit",
                        batchChart)
                .build();
    }

    private static String label(double load) {
        return load == SATURATION ? "saturation" : Format.num(load) + "×";
    }

    private static Point medianByThroughput(List<Point> points) {
        List<Point> sorted = new ArrayList<>(points);
        sorted.sort(Comparator.comparingDouble(p -> p.client().windowSucceededPerSecond()));
        return sorted.get(sorted.size() / 2);
    }
}
