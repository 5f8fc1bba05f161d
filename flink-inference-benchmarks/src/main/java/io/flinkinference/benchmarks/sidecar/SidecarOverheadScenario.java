package io.flinkinference.benchmarks.sidecar;

import io.flinkinference.benchmarks.Scenario;
import io.flinkinference.benchmarks.harness.Diagnosis;
import io.flinkinference.benchmarks.harness.Format;
import io.flinkinference.benchmarks.harness.Progress;
import io.flinkinference.benchmarks.harness.RunSettings;
import io.flinkinference.benchmarks.harness.Samples;
import io.flinkinference.benchmarks.harness.ScenarioResult;

import io.grpc.Channel;

import java.time.Duration;

/**
 * Scenario 4: what the sidecar's queue, batcher and metrics cost per message. A zero-latency mock
 * against a bare grpc-java echo server of the same service, with the same client and streams.
 */
public final class SidecarOverheadScenario implements Scenario {

    static final int STREAMS = 4;
    static final int WINDOW = 256;
    static final int BATCH = 32;
    static final int WORKERS = 2;

    @Override
    public String name() {
        return "sidecar-overhead";
    }

    @Override
    public int steps(RunSettings settings) {
        return 1 + 2 * settings.repeats();
    }

    private static double messagesPerSecond(Channel channel, RunSettings settings)
            throws InterruptedException {
        return InferLoad.run(
                        channel,
                        new InferLoad.Spec(
                                STREAMS,
                                WINDOW,
                                0,
                                settings.warmup(),
                                settings.window(),
                                InferLoad.RequestMaker.fixed(16)))
                .windowSucceededPerSecond();
    }

    @Override
    public ScenarioResult run(RunSettings settings, Progress progress) throws Exception {
        Samples samples = new Samples();
        progress.step("JVM warm-up pass (not measured)");
        try (EchoServer echo = new EchoServer()) {
            messagesPerSecond(echo.channel(), SidecarMockThroughputScenario.WARM_UP_PASS);
        }
        for (int r = 1; r <= settings.repeats(); r++) {
            String run = " run " + r + "/" + settings.repeats();
            progress.step("bare gRPC echo" + run);
            double echoRate;
            try (EchoServer echo = new EchoServer()) {
                echoRate = messagesPerSecond(echo.channel(), settings);
            }
            progress.step("sidecar, zero-latency mock" + run);
            double sidecarRate;
            try (SidecarUnderTest sidecar =
                    SidecarUnderTest.start(
                            SidecarUnderTest.mock(
                                    Duration.ZERO,
                                    Duration.ZERO,
                                    BATCH,
                                    SidecarMockThroughputScenario.BATCH_TIMEOUT,
                                    WORKERS))) {
                sidecarRate = messagesPerSecond(sidecar.channel(), settings);
            }
            samples.add("echo", echoRate);
            samples.add("sidecar", sidecarRate);
            samples.add("share", sidecarRate / echoRate);
        }
        double share = samples.median("share");
        return ScenarioResult.builder(name(), "Sidecar overhead vs a bare gRPC echo server")
                .setup(
                        "The same load generator ("
                                + STREAMS
                                + " bidi streams, "
                                + WINDOW
                                + " requests outstanding per stream, unpaced, 16-byte payloads)"
                                + " against (a) a bare grpc-java server of the same Infer service"
                                + " that echoes each request at once on the gRPC thread, and (b)"
                                + " the sidecar with a zero-latency mock (batch 32, batch timeout"
                                + " 5 ms, 2 workers): queue, batcher, metrics and per-request"
                                + " bookkeeping included.")
                .figure("bare gRPC echo", Format.rate(samples.median("echo")) + " messages")
                .figure("sidecar (zero-latency mock)", Format.rate(samples.median("sidecar")))
                .figure("sidecar / echo", Format.percent(share))
                .check(
                        "sidecar ≥ 50% of the echo's messages/s",
                        Format.percent(share), share >= 0.5, Diagnosis.machineLoad())
                .build();
    }
}
