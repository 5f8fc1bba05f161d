package io.flinkinference.benchmarks.endtoend;

import io.flinkinference.asyncbatch.AsyncBatchDataStream;
import io.flinkinference.asyncbatch.AsyncBatchOptions;
import io.flinkinference.benchmarks.Scenario;
import io.flinkinference.benchmarks.harness.BenchCluster;
import io.flinkinference.benchmarks.harness.CountingSink;
import io.flinkinference.benchmarks.harness.Diagnosis;
import io.flinkinference.benchmarks.harness.Format;
import io.flinkinference.benchmarks.harness.Progress;
import io.flinkinference.benchmarks.harness.RunSettings;
import io.flinkinference.benchmarks.harness.Samples;
import io.flinkinference.benchmarks.harness.ScenarioResult;
import io.flinkinference.benchmarks.sidecar.SidecarUnderTest;
import io.flinkinference.sidecar.backend.ItemResult;
import io.flinkinference.sidecar.client.SidecarBatchFunction;
import io.flinkinference.sidecar.client.codec.TensorCodec;
import io.flinkinference.sidecar.onnx.OnnxBackend;

import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Scenario 6: the demo pipeline (MiniCluster → batch operator → sidecar client → sidecar with the
 * ONNX backend serving fp32 all-MiniLM-L6-v2) against ONNX Runtime's own batched throughput, the
 * same backend driven directly in a loop, in the same run.
 */
public final class EndToEndMiniLmScenario implements Scenario {

    static final int BATCH = 32;
    static final int WORKERS = 1;
    static final int IN_FLIGHT = 4;

    @Override
    public String name() {
        return "end-to-end-minilm";
    }

    @Override
    public int steps(RunSettings settings) {
        return 2 * settings.repeats();
    }

    static Map<String, String> sidecarSettings() {
        Map<String, String> s = new HashMap<>();
        s.put("sidecar.backend", OnnxBackend.NAME);
        s.put("sidecar.batch.max-size", Integer.toString(BATCH));
        s.put("sidecar.batch.timeout", "5 ms");
        s.put("sidecar.backend.workers", Integer.toString(WORKERS));
        return s;
    }

    /** ONNX Runtime alone: the backend the sidecar uses, called in a loop with full batches. */
    static double standalone(Duration warmup, Duration window) throws Exception {
        OnnxBackend backend = new OnnxBackend();
        backend.open(Configuration.fromMap(sidecarSettings()));
        try {
            long deadline = System.nanoTime() + warmup.toNanos();
            long seq = 0;
            while (System.nanoTime() < deadline) {
                check(backend.infer(Sentences.payloads(seq, BATCH)));
                seq += BATCH;
            }
            long items = 0;
            long start = System.nanoTime();
            deadline = start + window.toNanos();
            while (System.nanoTime() < deadline) {
                check(backend.infer(Sentences.payloads(seq, BATCH)));
                seq += BATCH;
                items += BATCH;
            }
            return items * 1e9 / (System.nanoTime() - start);
        } finally {
            backend.close();
        }
    }

    private static void check(List<ItemResult> results) {
        if (results.size() != BATCH) {
            throw new IllegalStateException("expected " + BATCH + " results, got " + results);
        }
    }

    /** The demo pipeline: sentences → batch operator with the sidecar client → counting sink. */
    static Consumer<StreamExecutionEnvironment> pipeline(String endpoint) {
        SidecarBatchFunction<String, float[]> embed =
                SidecarBatchFunction.builder(new TextToEmbedding())
                        .endpoint(endpoint)
                        .returns(PrimitiveArrayTypeInfo.FLOAT_PRIMITIVE_ARRAY_TYPE_INFO)
                        .build();
        AsyncBatchOptions options =
                AsyncBatchOptions.builder()
                        .maxBatchSize(BATCH)
                        .maxBatchDelay(Duration.ofMillis(10))
                        .maxInFlightBatches(IN_FLIGHT)
                        .build();
        return env ->
                CountingSink.to(
                        AsyncBatchDataStream.unorderedWait(
                                env.fromSequence(0, Long.MAX_VALUE - 1)
                                        .map((MapFunction<Long, String>) Sentences::sentence),
                                embed,
                                options,
                                PrimitiveArrayTypeInfo.FLOAT_PRIMITIVE_ARRAY_TYPE_INFO));
    }

    /**
     * A CPU MiniLM handles tens to hundreds of sentences per second, so even {@code --quick} needs
     * windows of several batches: at least 5 s warm-up (the first batches also pay for ONNX
     * Runtime's lazy initialisation) and 10 s measured.
     */
    static RunSettings atLeastSeconds(RunSettings s) {
        Duration warmup = s.warmup().compareTo(MIN_WARMUP) < 0 ? MIN_WARMUP : s.warmup();
        Duration window = s.window().compareTo(MIN_WINDOW) < 0 ? MIN_WINDOW : s.window();
        return new RunSettings(s.quick(), s.repeats(), warmup, window);
    }

    static final Duration MIN_WARMUP = Duration.ofSeconds(5);
    static final Duration MIN_WINDOW = Duration.ofSeconds(10);

    @Override
    public ScenarioResult run(RunSettings requested, Progress progress) throws Exception {
        RunSettings settings = atLeastSeconds(requested);
        Samples samples = new Samples();
        try (SidecarUnderTest sidecar = SidecarUnderTest.start(sidecarSettings());
                BenchCluster cluster = new BenchCluster()) {
            for (int r = 1; r <= settings.repeats(); r++) {
                String run = " run " + r + "/" + settings.repeats();
                progress.step("ONNX Runtime standalone" + run);
                double alone = standalone(settings.warmup(), settings.window());
                progress.step("pipeline through the sidecar" + run);
                double pipeline =
                        cluster.recordsPerSecond(
                                pipeline(sidecar.server().endpoint()),
                                settings.warmup(),
                                settings.window());
                samples.add("alone", alone);
                samples.add("pipeline", pipeline);
                samples.add("share", pipeline / alone);
            }
        }
        double share = samples.median("share");
        return ScenarioResult.builder(
                        name(), "End to end with all-MiniLM-L6-v2 (ONNX Runtime, CPU)")
                .setup(
                        "The demo pipeline on one MiniCluster (parallelism 1): sentences of 8–20"
                                + " words → `AsyncBatchDataStream.unorderedWait` (batch 32, 4 in"
                                + " flight) with `SidecarBatchFunction` → the in-process sidecar"
                                + " (backend `onnx`, fp32 all-MiniLM-L6-v2 text embedding, batch"
                                + " 32, 1 worker) → 384-float embeddings → counting sink. Baseline:"
                                + " the same `OnnxBackend`, opened with the same settings, called"
                                + " in a loop with full batches of the same sentences on one"
                                + " thread, in the same run. Windows: "
                                + settings.warmup().toSeconds()
                                + " s warm-up + "
                                + settings.window().toSeconds()
                                + " s measured.")
                .figure("ONNX Runtime standalone (batch 32)", Format.rate(samples.median("alone")))
                .figure("pipeline through the sidecar", Format.rate(samples.median("pipeline")))
                .figure("pipeline / standalone", Format.percent(share))
                .check(
                        "pipeline ≥ 85% of ONNX Runtime's standalone batched throughput",
                        Format.percent(share),
                        share >= 0.85,
                        "ONNX Runtime and the pipeline share the same cores, so Flink, gRPC and"
                                + " the client take CPU from the model; "
                                + Diagnosis.machineLoad())
                .build();
    }

    /** UTF-8 text in, little-endian float32 embedding out. */
    static final class TextToEmbedding implements TensorCodec<String, float[]> {
        @Override
        public byte[] encode(String input) {
            return input.getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public float[] decode(String input, byte[] output) {
            return TensorCodec.float32().decode(null, output);
        }
    }
}
