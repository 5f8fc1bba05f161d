package io.flinkinference.benchmarks.operator;

import io.flinkinference.benchmarks.harness.BenchCluster;
import io.flinkinference.benchmarks.harness.CountingSink;
import io.flinkinference.benchmarks.harness.ForkedJvm;

import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.time.Duration;
import java.util.function.Consumer;

/**
 * The three pipelines of {@link OperatorOverheadScenario}, and the main class that measures one of
 * them in a forked JVM: {@code OverheadPipeline NAME WARMUP_MS WINDOW_MS} prints the records per
 * second as {@link ForkedJvm#RESULT_PREFIX} + value.
 */
public enum OverheadPipeline {
    /** A chained {@code map(x -> x)}. */
    MAP {
        @Override
        Consumer<StreamExecutionEnvironment> job() {
            return env ->
                    CountingSink.to(OperatorJobs.source(env).map((MapFunction<Long, Long>) x -> x));
        }
    },
    /** Our operator with a function that completes each batch at once. */
    BATCH_OPERATOR {
        @Override
        Consumer<StreamExecutionEnvironment> job() {
            return OperatorJobs.batchOperator(
                    new OperatorJobs.InstantBatch(),
                    OperatorOverheadScenario.BATCH,
                    OperatorOverheadScenario.IN_FLIGHT);
        }
    },
    /** Flink's {@code AsyncDataStream.unorderedWait} with a function that completes at once. */
    ASYNC_WAIT {
        @Override
        Consumer<StreamExecutionEnvironment> job() {
            return OperatorJobs.asyncWait(
                    new OperatorJobs.InstantRecord(), OperatorOverheadScenario.ASYNC_CAPACITY);
        }
    };

    abstract Consumer<StreamExecutionEnvironment> job();

    /** Measures this pipeline in a fresh JVM. */
    double measureForked(Duration warmup, Duration window) throws Exception {
        return ForkedJvm.run(
                OverheadPipeline.class,
                warmup.plus(window),
                name(),
                String.valueOf(warmup.toMillis()),
                String.valueOf(window.toMillis()));
    }

    /** Entry point of the forked JVM. */
    public static void main(String[] args) throws Exception {
        OverheadPipeline pipeline = valueOf(args[0]);
        Duration warmup = Duration.ofMillis(Long.parseLong(args[1]));
        Duration window = Duration.ofMillis(Long.parseLong(args[2]));
        try (BenchCluster cluster = new BenchCluster()) {
            double rate = cluster.recordsPerSecond(pipeline.job(), warmup, window);
            System.out.println(ForkedJvm.RESULT_PREFIX + rate);
        }
        System.exit(0); // MiniCluster may leave non-daemon threads behind
    }
}
