package io.flinkinference.benchmarks.sidecar;

import io.flinkinference.benchmarks.Scenario;
import io.flinkinference.benchmarks.harness.Diagnosis;
import io.flinkinference.benchmarks.harness.Format;
import io.flinkinference.benchmarks.harness.Progress;
import io.flinkinference.benchmarks.harness.RunSettings;
import io.flinkinference.benchmarks.harness.Samples;
import io.flinkinference.benchmarks.harness.ScenarioResult;

import static io.flinkinference.benchmarks.sidecar.SidecarMockThroughputScenario.BATCH;
import static io.flinkinference.benchmarks.sidecar.SidecarMockThroughputScenario.BATCH_TIMEOUT;
import static io.flinkinference.benchmarks.sidecar.SidecarMockThroughputScenario.FIXED;
import static io.flinkinference.benchmarks.sidecar.SidecarMockThroughputScenario.PER_ITEM;
import static io.flinkinference.benchmarks.sidecar.SidecarMockThroughputScenario.WORKERS;

/**
 * Scenario 5: offered load at 3× the mock sidecar's capacity. The queue must turn the excess away
 * at once, and every request must get exactly one answer.
 */
public final class SaturationScenario implements Scenario {

    static final double OVERLOAD = 3;
    static final int STREAMS = 4;

    /**
     * Requests outstanding per stream: twice what the queue and the workers hold together, so the
     * queue overflows, while the client's own buffers stay bounded (rejections come back at once,
     * so the window hardly binds the offered rate).
     */
    static final int WINDOW = 512;

    @Override
    public String name() {
        return "saturation";
    }

    @Override
    public int steps(RunSettings settings) {
        return settings.repeats();
    }

    @Override
    public ScenarioResult run(RunSettings settings, Progress progress) throws Exception {
        double limit = SidecarUnderTest.mockLimit(FIXED, PER_ITEM, BATCH, WORKERS);
        Samples samples = new Samples();
        boolean allExactlyOnce = true;
        StringBuilder mismatches = new StringBuilder();
        for (int r = 1; r <= settings.repeats(); r++) {
            progress.step("3× capacity, run " + r + "/" + settings.repeats());
            try (SidecarUnderTest sidecar =
                    SidecarUnderTest.start(
                            SidecarUnderTest.mock(
                                    FIXED, PER_ITEM, BATCH, BATCH_TIMEOUT, WORKERS))) {
                InferLoad.Result res =
                        InferLoad.run(
                                sidecar.channel(),
                                new InferLoad.Spec(
                                        STREAMS,
                                        WINDOW,
                                        OVERLOAD * limit,
                                        settings.warmup(),
                                        settings.window(),
                                        InferLoad.RequestMaker.fixed(16)));
                CounterMatch match = CounterMatch.of(sidecar.metrics(), res.total());
                boolean once = res.exactlyOneAnswerEach() && match.matches();
                allExactlyOnce &= once;
                if (!once) {
                    mismatches
                            .append("run ")
                            .append(r)
                            .append(": unanswered ")
                            .append(res.unanswered())
                            .append(", ")
                            .append(match)
                            .append(". ");
                }
                samples.add("offered", res.windowSentPerSecond());
                samples.add("succeeded", res.windowSucceededPerSecond());
                samples.add("rejectedShare", res.windowRejectedShare());
                samples.add("rejectP50", res.rejection().p50());
                samples.add("rejectP99", res.rejection().p99());
                samples.add("successP99", res.success().p99());
                samples.add("requests", res.total().sent());
            }
        }
        double offered = samples.median("offered");
        return ScenarioResult.builder(name(), "Saturation at 3× capacity")
                .setup(
                        "The sidecar of sidecar-mock-throughput (capacity "
                                + Format.rate(limit)
                                + ", queue max-length 1024) offered 3× that ("
                                + Format.rate(OVERLOAD * limit)
                                + ") on "
                                + STREAMS
                                + " streams, at most "
                                + WINDOW
                                + " requests outstanding per stream. Rejections are RESOURCE_EXHAUSTED answers;"
                                + " their latency is send → answer at the client. After the run"
                                + " every stream is drained and each request id is checked to have"
                                + " got exactly one answer, and the sidecar's counters are compared"
                                + " with the client's.")
                .figure(
                        "offered (target " + Format.rate(OVERLOAD * limit) + ")",
                        Format.rate(offered))
                .figure("answered with a result", Format.rate(samples.median("succeeded")))
                .figure("rejected share", Format.percent(samples.median("rejectedShare")))
                .figure(
                        "  expected share at the achieved offer",
                        Format.percent(Math.max(0, 1 - limit / offered)))
                .figure("rejection answer p50", Format.ms(samples.median("rejectP50")) + " ms")
                .figure("rejection answer p99", Format.ms(samples.median("rejectP99")) + " ms")
                .figure("success p99", Format.ms(samples.median("successP99")) + " ms")
                .figure(
                        "requests checked (per run, warm-up included)",
                        Format.num(samples.median("requests")))
                .check(
                        "every request got exactly one answer; sidecar counters == client counters",
                        allExactlyOnce ? "yes, in every run" : mismatches.toString().strip(),
                        allExactlyOnce,
                        Diagnosis.machineLoad())
                .build();
    }
}
