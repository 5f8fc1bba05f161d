package io.flinkinference.examples;

import io.flinkinference.examples.demo.DemoJob;
import io.flinkinference.examples.demo.DemoStats;
import io.flinkinference.examples.demo.EmbeddedSidecar;
import io.flinkinference.examples.demo.ExternalSidecar;
import io.flinkinference.examples.demo.MetricsCollector;
import io.flinkinference.examples.demo.MockVectorWorkload;
import io.flinkinference.examples.demo.SidecarHandle;
import io.flinkinference.examples.demo.SidecarHandle.SidecarCounter;
import io.flinkinference.examples.demo.Summary;
import io.flinkinference.examples.demo.TextEmbeddingWorkload;
import io.flinkinference.examples.demo.Workload;

import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.TimeUtils;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code bin/demo}: a Flink job on an embedded MiniCluster that sends generated records through the
 * batch operator and the sidecar client to a sidecar (embedded, or external), shows a progress
 * line, and prints a checked summary. By default ({@code --backend onnx}) the records are sentences
 * and the sidecar runs all-MiniLM-L6-v2 on ONNX Runtime; the sink finds the nearest sentences to a
 * few queries. {@code --backend mock} sends float32 vectors to the identity mock backend. Exit code
 * 0 only if every check of the summary passed.
 */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Runs a Flink job (embedded MiniCluster) that batches generated records and sends them"
                    + " to an inference sidecar, then prints throughput, batch sizes, latency"
                    + " percentiles and the client's and the sidecar's counters side by side."
                    + " Every answer is checked.",
            "",
            "--backend onnx (default): sentences from a bundled corpus (six topics) are embedded"
                    + " by all-MiniLM-L6-v2 (ONNX Runtime, CPU) in an embedded sidecar; the sink"
                    + " finds each of six fixed query sentences' nearest sentences by cosine and"
                    + " checks that they are from the query's topic.",
            "--backend mock: float32 vectors to the mock backend (identity).",
            ""
        })
public final class SidecarDemo implements Callable<Integer> {

    /** What the demo sends to, and what it checks. */
    enum Backend {
        onnx,
        mock
    }

    static final long ONNX_DEFAULT_RECORDS = 2_000;
    static final long MOCK_DEFAULT_RECORDS = 200_000;

    @Option(
            names = "--backend",
            defaultValue = "onnx",
            description =
                    "onnx: sentences -> all-MiniLM-L6-v2 embeddings, nearest sentences to fixed"
                            + " queries; mock: float32 vectors -> identity mock backend"
                            + " (default: ${DEFAULT-VALUE}).")
    Backend backend;

    @Option(
            names = "--records",
            paramLabel = "<records>",
            description =
                    "Records to send (default: "
                            + ONNX_DEFAULT_RECORDS
                            + " with onnx, about 10 s of MiniLM on 2 CPU cores; "
                            + MOCK_DEFAULT_RECORDS
                            + " with mock). With onnx the first 6 records are the queries.")
    Long recordsOption;

    long records;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(
            names = "--rate",
            defaultValue = "0",
            description =
                    "Records per second, all subtasks together; 0 = as fast as possible (default: ${DEFAULT-VALUE}).")
    double rate;

    @Option(
            names = "--batch-size",
            defaultValue = "32",
            description = "Largest batch the Flink operator sends (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(
            names = "--in-flight",
            defaultValue = "8",
            description = "Batches in flight per subtask (default: ${DEFAULT-VALUE}).")
    int inFlight;

    @Option(
            names = "--parallelism",
            defaultValue = "2",
            description = "Subtasks of the job (default: ${DEFAULT-VALUE}).")
    int parallelism;

    @Option(
            names = "--sidecar",
            paramLabel = "host:port",
            description =
                    "Use the sidecar at host:port instead of starting an embedded one. It must serve what"
                            + " --backend names: bin/sidecar -Dsidecar.backend=onnx (the default"
                            + " model) or bin/sidecar (mock). Its counters are then not shown.")
    String sidecar;

    @Option(
            names = "--dimension",
            defaultValue = "64",
            description = "mock: float32 elements per vector (default: ${DEFAULT-VALUE}).")
    int dimension;

    @Option(
            names = "--mock-latency",
            defaultValue = "2 ms",
            description =
                    "Embedded mock backend: fixed time per backend call (default: ${DEFAULT-VALUE}).")
    String mockLatency;

    @Option(
            names = "--mock-latency-per-item",
            defaultValue = "20 micros",
            description =
                    "Embedded mock backend: extra time per item of a call (default: ${DEFAULT-VALUE}).")
    String mockLatencyPerItem;

    @Option(
            names = "--sidecar-batch-size",
            defaultValue = "64",
            description =
                    "Embedded sidecar (both backends): largest batch it hands the backend (default:"
                            + " ${DEFAULT-VALUE}).")
    int sidecarBatchSize;

    private final PrintStream out;

    public SidecarDemo() {
        this(System.out);
    }

    /** A demo that prints its progress and summary to {@code out}. */
    public SidecarDemo(PrintStream out) {
        this.out = out;
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new SidecarDemo()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        records =
                recordsOption != null
                        ? recordsOption
                        : backend == Backend.onnx ? ONNX_DEFAULT_RECORDS : MOCK_DEFAULT_RECORDS;
        if (backend == Backend.onnx && records <= TextEmbeddingWorkload.queryCount()) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(),
                    "--backend onnx needs more than "
                            + TextEmbeddingWorkload.queryCount()
                            + " --records (the first ones are the queries)");
        }
        if (records < 1 || batchSize < 1 || inFlight < 1 || parallelism < 1 || dimension < 1) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(),
                    "--records, --batch-size, --in-flight, --parallelism and --dimension must "
                            + "be at least 1");
        }
        Workload<?> workload = workload();
        try (SidecarHandle handle = startSidecar()) {
            out.printf(
                    "flink-inference demo: %,d records (%s), parallelism %d, batches of"
                            + " up to %d, %d in flight per subtask%n  sidecar: %s%n",
                    records,
                    workload.description(),
                    parallelism,
                    batchSize,
                    inFlight,
                    handle.description());
            DemoStats.reset();
            MetricsCollector.reset();
            workload.start(records);
            StreamExecutionEnvironment env = DemoJob.localEnvironment(parallelism);
            DemoJob.build(env, handle.endpoint(), workload, records, rate, batchSize, inFlight);

            long start = System.nanoTime();
            JobClient job = env.executeAsync("flink-inference sidecar demo");
            CompletableFuture<JobExecutionResult> result = job.getJobExecutionResult();
            Throwable failure = waitWithProgress(result, handle, start);
            long elapsedNanos = System.nanoTime() - start;
            endProgress();

            Summary summary =
                    new Summary(
                            records,
                            rate,
                            workload,
                            Duration.ofNanos(elapsedNanos),
                            handle,
                            failure);
            summary.print(out);
            return summary.allChecksPassed() ? 0 : 1;
        }
    }

    /** What to send and how to check it. */
    private Workload<?> workload() {
        return backend == Backend.onnx
                ? new TextEmbeddingWorkload(TextEmbeddingWorkload.MINILM_DIMENSION)
                : new MockVectorWorkload(dimension);
    }

    /** The sidecar to talk to. */
    private SidecarHandle startSidecar() throws Exception {
        if (sidecar != null) {
            return new ExternalSidecar(sidecar);
        }
        if (backend == Backend.onnx) {
            return EmbeddedSidecar.startOnnx(sidecarBatchSize);
        }
        return EmbeddedSidecar.startMock(
                TimeUtils.parseDuration(mockLatency),
                TimeUtils.parseDuration(mockLatencyPerItem),
                sidecarBatchSize);
    }

    private final boolean interactive = System.console() != null;

    private Throwable waitWithProgress(
            CompletableFuture<JobExecutionResult> result, SidecarHandle handle, long start)
            throws InterruptedException {
        long lastCount = 0;
        long lastNanos = start;
        while (true) {
            try {
                result.get(1, TimeUnit.SECONDS);
                return null;
            } catch (ExecutionException e) {
                return e.getCause();
            } catch (TimeoutException e) {
                long now = System.nanoTime();
                long done = DemoStats.results();
                double recentRate = (done - lastCount) / ((now - lastNanos) / 1e9);
                lastCount = done;
                lastNanos = now;
                String queue =
                        handle.counter(SidecarCounter.QUEUE_DEPTH).isPresent()
                                ? String.format(
                                        "  sidecar queue %3d",
                                        handle.counter(SidecarCounter.QUEUE_DEPTH).getAsLong())
                                : "";
                String line =
                        done == 0
                                ? String.format(
                                        "[%5.1fs] starting the job (embedded Flink cluster)...",
                                        (now - start) / 1e9)
                                : String.format(
                                        "[%5.1fs] %,d / %,d records (%5.1f%%)  %,9.0f records/s  "
                                                + "resends %,d  reconnects %,d%s",
                                        (now - start) / 1e9,
                                        done,
                                        records,
                                        100.0 * done / records,
                                        recentRate,
                                        MetricsCollector.sum("resends"),
                                        MetricsCollector.sum("reconnects"),
                                        queue);
                if (interactive) {
                    out.print("\r" + line + "   ");
                } else {
                    out.println(line);
                }
                out.flush();
            }
        }
    }

    private void endProgress() {
        if (interactive) {
            out.println();
        }
    }
}
