package io.flinkinference.sidecar.onnx.text;

import io.flinkinference.sidecar.onnx.ModelLocation;
import io.flinkinference.sidecar.onnx.OrtEnvironments;
import io.flinkinference.sidecar.onnx.Sentences;
import io.flinkinference.sidecar.onnx.Vectors;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.OrtSession.SessionOptions.OptLevel;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * The figures in docs/backends.md: fp32 vs quantized MiniLM speed at batch 1/8/32, their batch
 * variance (minimum cosine of a text's vector in mixed batches against its vector alone), padding
 * to the longest item vs to 128, and fp32 invariance under each graph optimisation level and thread
 * count. Not a test: run it by hand (see docs/backends.md) on an otherwise idle machine.
 */
public final class EmbeddingMeasurements {

    private static final List<String> TYPICAL = typical();

    public static void main(String[] args) throws Exception {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 3.0;
        String sections = args.length > 1 ? args[1] : "speed,variance,padding,levels";
        System.out.printf(
                "cores: %d, ONNX Runtime %s%n",
                Runtime.getRuntime().availableProcessors(), OrtEnvironments.get().getVersion());
        if (sections.contains("speed")) {
            // One intra-op thread: ONNX Runtime computes on the calling thread, whose CPU time is
            // then the cost of the batch even on a machine shared with other work.
            System.out.println(
                    "\n== speed, 32 typical sentences, 1 thread: items per CPU-second (and per wall-second), best of 3"
                            + " interleaved rounds ==");
            try (Loaded fp32 = Loaded.open("all-minilm-l6-v2", OptLevel.ALL_OPT, 1);
                    Loaded quantized = Loaded.open("all-minilm-l6-v2-q", OptLevel.ALL_OPT, 1)) {
                for (int batchSize : new int[] {1, 8, 32}) {
                    double[] bestFp32 = {0, 0};
                    double[] bestQuantized = {0, 0};
                    for (int round = 0; round < 3; round++) {
                        best(bestFp32, throughput(fp32.runner, batchSize, seconds));
                        best(bestQuantized, throughput(quantized.runner, batchSize, seconds));
                    }
                    System.out.printf(
                            "batch %2d: fp32 %7.1f/s (wall %7.1f/s), quantized %7.1f/s (wall"
                                    + " %7.1f/s), quantized/fp32 %.2fx%n",
                            batchSize,
                            bestFp32[0],
                            bestFp32[1],
                            bestQuantized[0],
                            bestQuantized[1],
                            bestQuantized[0] / bestFp32[0]);
                }
            }
        }
        if (sections.contains("variance")) {
            System.out.println(
                    "\n== batch variance: min cosine, mixed batches of 8 and 32 vs alone ==");
            for (String model : List.of("all-minilm-l6-v2", "all-minilm-l6-v2-q")) {
                try (Loaded loaded = Loaded.open(model, OptLevel.ALL_OPT, 0)) {
                    System.out.printf("%-20s min cosine %.7f%n", model, minCosine(loaded.runner));
                }
            }
        }
        if (sections.contains("padding")) {
            System.out.println(
                    "\n== fp32 padding: 32 typical sentences padded to longest vs to 128 ==");
            try (Loaded loaded = Loaded.open("all-minilm-l6-v2", OptLevel.ALL_OPT, 1)) {
                TokenizedBatch batch = loaded.runner.tokenize(TYPICAL);
                System.out.printf(
                        "longest = %d tokens: %8.1f items per CPU-second%n",
                        batch.sequenceLength,
                        throughput(loaded.runner, List.of(batch), seconds)[0]);
                System.out.printf(
                        "fixed 128 tokens:    %8.1f items per CPU-second%n",
                        throughput(loaded.runner, List.of(batch.padTo(128)), seconds)[0]);
            }
        }
        if (sections.contains("levels")) {
            System.out.println(
                    "\n== fp32 invariance by optimisation level and intra-op threads ==");
            for (OptLevel level :
                    List.of(
                            OptLevel.NO_OPT,
                            OptLevel.BASIC_OPT,
                            OptLevel.EXTENDED_OPT,
                            OptLevel.ALL_OPT)) {
                for (int threads : new int[] {1, 0}) {
                    try (Loaded loaded = Loaded.open("all-minilm-l6-v2", level, threads)) {
                        System.out.printf(
                                "%-13s threads %s: min cosine %.7f%n",
                                level,
                                threads == 0 ? "default" : Integer.toString(threads),
                                minCosine(loaded.runner));
                    }
                }
            }
        }
    }

    private static void best(double[] best, double[] measured) {
        best[0] = Math.max(best[0], measured[0]);
        best[1] = Math.max(best[1], measured[1]);
    }

    /** All 32 typical sentences, in consecutive batches of {@code batchSize}, round-robin. */
    private static double[] throughput(TextEmbeddingRunner runner, int batchSize, double seconds)
            throws Exception {
        List<TokenizedBatch> batches = new ArrayList<>();
        for (int from = 0; from < TYPICAL.size(); from += batchSize) {
            batches.add(
                    runner.tokenize(
                            TYPICAL.subList(from, Math.min(TYPICAL.size(), from + batchSize))));
        }
        return throughput(runner, batches, seconds);
    }

    /** Items per CPU-second of this thread and items per wall-clock second. */
    private static double[] throughput(
            TextEmbeddingRunner runner, List<TokenizedBatch> batches, double seconds)
            throws Exception {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long warmUpEnd = System.nanoTime() + (long) (seconds * 0.3e9);
        while (System.nanoTime() < warmUpEnd) {
            for (TokenizedBatch batch : batches) {
                runner.embed(batch, 384);
            }
        }
        long cpuStart = threads.getCurrentThreadCpuTime();
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        long items = 0;
        while (System.nanoTime() < end) {
            for (TokenizedBatch batch : batches) {
                runner.embed(batch, 384);
                items += batch.size;
            }
        }
        double cpuSeconds = (threads.getCurrentThreadCpuTime() - cpuStart) / 1e9;
        double wallSeconds = (System.nanoTime() - start) / 1e9;
        return new double[] {items / cpuSeconds, items / wallSeconds};
    }

    private static double minCosine(TextEmbeddingRunner runner) throws Exception {
        List<String> texts = Sentences.VARIED;
        float[][] alone = new float[texts.size()][];
        for (int i = 0; i < texts.size(); i++) {
            alone[i] = runner.embed(runner.tokenize(List.of(texts.get(i))), 384)[0];
        }
        double min = 1.0;
        Random random = new Random(7);
        for (int batchSize : new int[] {8, 32, 8, 32}) {
            List<Integer> picks = new ArrayList<>();
            for (int i = 0; i < batchSize; i++) {
                picks.add(i % texts.size());
            }
            Collections.shuffle(picks, random);
            List<String> batch = new ArrayList<>();
            picks.forEach(p -> batch.add(texts.get(p)));
            float[][] vectors = runner.embed(runner.tokenize(batch), 384);
            for (int i = 0; i < picks.size(); i++) {
                min = Math.min(min, Vectors.cosine(alone[picks.get(i)], vectors[i]));
            }
        }
        return min;
    }

    private static List<String> typical() {
        List<String> texts = new ArrayList<>();
        for (String s : Sentences.VARIED) {
            if (!s.equals(Sentences.LONG_TEXT)) {
                texts.add(s);
            }
        }
        texts.addAll(
                List.of(
                        "A cat sits on the mat.",
                        "The central bank raised interest rates by a quarter point on Tuesday.",
                        "How do I reset my password if I no longer have access to my email?",
                        "Stock markets fell sharply after the announcement.",
                        "The train to Berlin leaves at half past seven from platform nine.",
                        "Fresh basil, tomatoes and mozzarella make a simple summer salad.",
                        "Our order arrived two days late and the box was damaged.",
                        "Please review the attached pull request before Friday.",
                        "The museum is closed on Mondays except during school holidays.",
                        "He scored twice in the second half to win the match.",
                        "Researchers found a new species of frog in the rainforest.",
                        "The battery lasts about ten hours with normal use.",
                        "Can you recommend a good book about the history of Rome?",
                        "Heavy snow is expected in the mountains tonight.",
                        "The meeting was moved to Thursday afternoon.",
                        "This laptop overheats when running video calls.",
                        "Kafka topics are split into partitions for parallelism."));
        return texts.subList(0, 32);
    }

    /** A session and its runner, closed together. */
    private static final class Loaded implements AutoCloseable {
        final OrtSession session;
        final TextEmbeddingRunner runner;

        private Loaded(OrtSession session, TextEmbeddingRunner runner) {
            this.session = session;
            this.runner = runner;
        }

        static Loaded open(String model, OptLevel level, int intraOpThreads) throws Exception {
            OrtEnvironment env = OrtEnvironments.get();
            OrtSession.SessionOptions options = new OrtSession.SessionOptions();
            options.setOptimizationLevel(level);
            if (intraOpThreads > 0) {
                options.setIntraOpNumThreads(intraOpThreads);
            }
            OrtSession session =
                    env.createSession(
                            ModelLocation.of("classpath:/" + model + ".onnx").readAllBytes(),
                            options);
            return new Loaded(
                    session,
                    TextEmbeddingRunner.open(
                            env,
                            session,
                            ModelLocation.of("classpath:/" + model + "-tokenizer.json"),
                            256));
        }

        @Override
        public void close() throws Exception {
            runner.close();
            session.close();
        }
    }

    static {
        Locale.setDefault(Locale.ROOT);
    }

    private EmbeddingMeasurements() {}
}
