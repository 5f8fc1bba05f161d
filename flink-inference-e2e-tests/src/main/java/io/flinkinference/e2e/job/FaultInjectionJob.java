package io.flinkinference.e2e.job;

import io.flinkinference.asyncbatch.AsyncBatchDataStream;
import io.flinkinference.asyncbatch.AsyncBatchOptions;
import io.flinkinference.asyncbatch.AsyncBatchRetryStrategies;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.serialization.SimpleStringEncoder;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.connector.file.sink.FileSink;
import org.apache.flink.core.fs.Path;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.filesystem.bucketassigners.BasePathBucketAssigner;
import org.apache.flink.streaming.api.functions.sink.filesystem.rollingpolicies.OnCheckpointRollingPolicy;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * The job the end-to-end tests submit as a fat jar: records {@code 0..n-1} from a checkpointed
 * generator source, through {@link AsyncBatchDataStream#unorderedWait} with a {@link
 * TaskLocalSidecarFunction} (each TaskManager's own sidecar), into a {@link FileSink} that commits
 * its files only when a checkpoint completes (exactly-once).
 *
 * <p>Arguments ({@code --name value}): {@code records} (default 1000), {@code rate} (records per
 * second over all subtasks, 0 = unlimited), {@code parallelism} (2), {@code output} (directory,
 * required), {@code checkpoint-interval-ms} (500), {@code batch-size} (16), {@code batch-delay-ms}
 * (5), {@code in-flight} (4), {@code timeout-ms} (30000), {@code retry-attempts} (1 = no retry),
 * {@code retry-delay-ms} (200), {@code request-timeout-ms}, {@code retry-budget-ms}, {@code
 * reconnect-budget-ms} (0 = the client's default), {@code fallback-on-timeout}, {@code
 * errors-as-records}, {@code bad-input} (false), {@code split-source} (false: source, operator and
 * sink are one chained task; true: the source is a task of its own, so its backpressure shows),
 * {@code unaligned} (false: aligned checkpoints), {@code job-name}.
 */
public final class FaultInjectionJob {

    /** The operator name, as it appears in metric names. */
    public static final String OPERATOR_NAME = "sidecar_inference";

    private FaultInjectionJob() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> a = parse(args);
        long records = Long.parseLong(a.getOrDefault("records", "1000"));
        double rate = Double.parseDouble(a.getOrDefault("rate", "0"));
        String output = a.get("output");
        if (output == null) {
            throw new IllegalArgumentException("--output DIR is required");
        }

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(Integer.parseInt(a.getOrDefault("parallelism", "2")));
        env.enableCheckpointing(Long.parseLong(a.getOrDefault("checkpoint-interval-ms", "500")));
        if (Boolean.parseBoolean(a.getOrDefault("unaligned", "false"))) {
            env.getCheckpointConfig().enableUnalignedCheckpoints();
        }
        boolean splitSource = Boolean.parseBoolean(a.getOrDefault("split-source", "false"));

        GeneratorFunction<Long, Long> identity = i -> i;
        DataGeneratorSource<Long> source =
                new DataGeneratorSource<>(
                        identity,
                        records,
                        rate > 0 ? RateLimiterStrategy.perSecond(rate) : RateLimiterStrategy.noOp(),
                        Types.LONG);
        DataStream<Long> input =
                env.fromSource(source, WatermarkStrategy.noWatermarks(), "records").uid("records");

        TaskLocalSidecarFunction.Settings settings = new TaskLocalSidecarFunction.Settings();
        settings.badInput = Boolean.parseBoolean(a.getOrDefault("bad-input", "false"));
        settings.fallbackOnTimeout =
                Boolean.parseBoolean(a.getOrDefault("fallback-on-timeout", "false"));
        settings.errorsAsRecords =
                Boolean.parseBoolean(a.getOrDefault("errors-as-records", "false"));
        settings.requestTimeoutMs = Long.parseLong(a.getOrDefault("request-timeout-ms", "0"));
        settings.retryBudgetMs = Long.parseLong(a.getOrDefault("retry-budget-ms", "0"));
        settings.reconnectBudgetMs = Long.parseLong(a.getOrDefault("reconnect-budget-ms", "0"));

        AsyncBatchOptions.Builder options =
                AsyncBatchOptions.builder()
                        .maxBatchSize(Integer.parseInt(a.getOrDefault("batch-size", "16")))
                        .maxBatchDelay(
                                Duration.ofMillis(
                                        Long.parseLong(a.getOrDefault("batch-delay-ms", "5"))))
                        .maxInFlightBatches(Integer.parseInt(a.getOrDefault("in-flight", "4")))
                        .timeout(
                                Duration.ofMillis(
                                        Long.parseLong(a.getOrDefault("timeout-ms", "30000"))));
        int attempts = Integer.parseInt(a.getOrDefault("retry-attempts", "1"));
        if (attempts > 1) {
            options.retryStrategy(
                    AsyncBatchRetryStrategies.<String>fixedDelay(
                                    attempts,
                                    Duration.ofMillis(
                                            Long.parseLong(
                                                    a.getOrDefault("retry-delay-ms", "200"))))
                            .ifException(AsyncBatchRetryStrategies.anyException())
                            .build());
        }

        SingleOutputStreamOperator<String> results =
                AsyncBatchDataStream.unorderedWait(
                                input,
                                new TaskLocalSidecarFunction(settings),
                                options.build(),
                                Types.STRING)
                        .name(OPERATOR_NAME)
                        .uid(OPERATOR_NAME);
        if (splitSource) {
            // Source and operator in separate tasks, so that the source's backpressure shows.
            results.startNewChain();
        }

        results.sinkTo(
                        FileSink.forRowFormat(
                                        new Path(output), new SimpleStringEncoder<String>("UTF-8"))
                                .withBucketAssigner(new BasePathBucketAssigner<>())
                                .withRollingPolicy(OnCheckpointRollingPolicy.build())
                                .build())
                .name("committed_files")
                .uid("committed_files");

        env.execute(a.getOrDefault("job-name", "e2e fault injection"));
    }

    private static Map<String, String> parse(String[] args) {
        Map<String, String> parsed = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("expected --name value, got " + args[i]);
            }
            String name = args[i].substring(2);
            if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
                parsed.put(name, args[++i]);
            } else {
                parsed.put(name, "true");
            }
        }
        return parsed;
    }
}
