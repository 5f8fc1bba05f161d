package io.flinkinference.asyncbatch.it;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamSource;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;

/** Shared helpers of the MiniCluster tests of the async batch operator. */
final class ItSupport {

    /**
     * The "remote service" of the tests: batch functions complete their futures on these threads,
     * after a simulated latency. Static because MiniCluster runs in this JVM and functions must
     * stay serializable.
     */
    static final ScheduledExecutorService SERVICE = newService();

    private ItSupport() {}

    private static ScheduledExecutorService newService() {
        AtomicInteger threads = new AtomicInteger();
        return Executors.newScheduledThreadPool(
                4,
                runnable -> {
                    Thread thread =
                            new Thread(runnable, "simulated-service-" + threads.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
    }

    /** A MiniCluster of one TaskManager with two slots, shared by the tests of one class. */
    static MiniClusterExtension miniCluster(Configuration configuration) {
        return new MiniClusterExtension(
                new MiniClusterResourceConfiguration.Builder()
                        .setConfiguration(configuration)
                        .setNumberTaskManagers(1)
                        .setNumberSlotsPerTaskManager(2)
                        .build());
    }

    /** An environment whose job fails on the first failure (no restarts). */
    static StreamExecutionEnvironment noRestartEnv(int parallelism) {
        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(parallelism);
        return env;
    }

    /** The longs {@code 0 .. count-1}, without watermarks, at most {@code perSecond} (0: any). */
    static DataStreamSource<Long> longs(
            StreamExecutionEnvironment env, long count, double perSecond) {
        DataGeneratorSource<Long> source =
                new DataGeneratorSource<>(
                        (GeneratorFunction<Long, Long>) index -> index,
                        count,
                        perSecond > 0
                                ? RateLimiterStrategy.perSecond(perSecond)
                                : RateLimiterStrategy.noOp(),
                        Types.LONG);
        return env.fromSource(source, WatermarkStrategy.noWatermarks(), "longs");
    }

    /**
     * {@link #longs} from one source subtask, spread round-robin over the downstream subtasks, so
     * that every subtask of a parallel operator gets records (a parallel source may hand all its
     * splits to one reader).
     */
    static DataStream<Long> longsToEverySubtask(StreamExecutionEnvironment env, long count) {
        return longs(env, count, 0).setParallelism(1).rebalance();
    }

    /** Runs the job of {@code stream} to its end and returns everything it emitted. */
    static <T> List<T> collect(DataStream<T> stream) throws Exception {
        List<T> out = new ArrayList<>();
        try (CloseableIterator<T> it = stream.executeAndCollect()) {
            it.forEachRemaining(out::add);
        }
        return out;
    }

    /** Simulated service latency in [minMillis, maxMillis]. */
    static long jitter(long minMillis, long maxMillis) {
        return minMillis
                + java.util.concurrent.ThreadLocalRandom.current()
                        .nextLong(maxMillis - minMillis + 1);
    }
}
