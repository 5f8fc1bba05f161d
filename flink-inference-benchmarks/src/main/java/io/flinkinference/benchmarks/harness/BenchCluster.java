package io.flinkinference.benchmarks.harness;

import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One MiniCluster shared by the jobs a scenario compares, and the steady-state throughput
 * measurement of a job: run it, discard the warm-up, count the records its {@link CountingSink} saw
 * during the window, cancel it.
 */
public final class BenchCluster implements AutoCloseable {

    private final MiniCluster cluster;

    public BenchCluster() throws Exception {
        Configuration conf = new Configuration();
        conf.set(TaskManagerOptions.NUM_TASK_SLOTS, 1);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        cluster =
                new MiniCluster(
                        new MiniClusterConfiguration.Builder()
                                .setConfiguration(conf)
                                .setNumTaskManagers(1)
                                .setNumSlotsPerTaskManager(1)
                                .build());
        cluster.start();
    }

    /**
     * Builds a job with {@code pipeline} (parallelism 1, ending in {@link CountingSink#to}), runs
     * it for {@code warmup + window} and returns the records per second the sink counted during the
     * window.
     */
    public double recordsPerSecond(
            Consumer<StreamExecutionEnvironment> pipeline, Duration warmup, Duration window)
            throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        CountingSink.reset();
        pipeline.accept(env);
        JobID job = cluster.submitJob(env.getStreamGraph().getJobGraph()).get().getJobID();
        try {
            pace(warmup);
            long c0 = CountingSink.count();
            long t0 = System.nanoTime();
            pace(window);
            long c1 = CountingSink.count();
            long t1 = System.nanoTime();
            if (cluster.getJobStatus(job).get().isGloballyTerminalState()) {
                throw new IllegalStateException(
                        "the benchmark job ended early: " + cluster.requestJobResult(job).get());
            }
            return (c1 - c0) * 1e9 / (t1 - t0);
        } finally {
            cluster.cancelJob(job).get(30, TimeUnit.SECONDS);
            cluster.requestJobResult(job).get(60, TimeUnit.SECONDS);
        }
    }

    /** Lets the job run (pacing the measurement, not synchronising with it). */
    private static void pace(Duration duration) throws InterruptedException {
        Thread.sleep(duration.toMillis());
    }

    @Override
    public void close() throws Exception {
        cluster.close();
    }
}
