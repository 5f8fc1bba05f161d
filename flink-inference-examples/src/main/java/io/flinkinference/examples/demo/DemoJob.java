package io.flinkinference.examples.demo;

import io.flinkinference.asyncbatch.AsyncBatchDataStream;
import io.flinkinference.asyncbatch.AsyncBatchOptions;
import io.flinkinference.sidecar.client.SidecarBatchFunction;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.time.Duration;

/**
 * The demo's job: generated vectors → {@code AsyncBatchDataStream.unorderedWait} with a {@link
 * SidecarBatchFunction} → a sink that records every checked answer and its latency. What is
 * generated and how answers are checked is the {@link Workload}'s.
 */
public final class DemoJob {

    private DemoJob() {}

    /** An embedded MiniCluster environment with one slot per subtask and the metric collector. */
    public static StreamExecutionEnvironment localEnvironment(int parallelism) {
        Configuration config = new Configuration();
        config.setString("metrics.reporter.demo.factory.class", MetricsCollector.class.getName());
        config.set(TaskManagerOptions.NUM_TASK_SLOTS, parallelism);
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.createLocalEnvironment(parallelism, config);
        // Flush network buffers after at most 5 ms (default 100 ms): the demo reports latency.
        env.setBufferTimeout(5);
        return env;
    }

    /**
     * Adds the pipeline to {@code env}.
     *
     * @param perSecond records per second over all source subtasks; 0 means as fast as possible
     */
    public static <T> void build(
            StreamExecutionEnvironment env,
            String endpoint,
            Workload<T> workload,
            long records,
            double perSecond,
            int batchSize,
            int inFlightBatches) {
        DataGeneratorSource<T> source =
                new DataGeneratorSource<>(
                        workload.generator(),
                        records,
                        perSecond > 0
                                ? RateLimiterStrategy.perSecond(perSecond)
                                : RateLimiterStrategy.noOp(),
                        workload.type());
        // rebalance: a parallel DataGeneratorSource may hand all its splits to one reader
        DataStream<T> input =
                env.fromSource(source, WatermarkStrategy.noWatermarks(), "generated vectors")
                        .rebalance();
        SidecarBatchFunction<T, DemoResult> infer =
                SidecarBatchFunction.builder(workload.codec())
                        .endpoint(endpoint)
                        .returns(TypeInformation.of(DemoResult.class))
                        .build();
        AsyncBatchDataStream.unorderedWait(
                        input,
                        infer,
                        AsyncBatchOptions.builder()
                                .maxBatchSize(batchSize)
                                .maxBatchDelay(Duration.ofMillis(5))
                                .maxInFlightBatches(inFlightBatches)
                                .build())
                .name("sidecar inference")
                .sinkTo(new StatsSink())
                .name("check answers");
    }
}
