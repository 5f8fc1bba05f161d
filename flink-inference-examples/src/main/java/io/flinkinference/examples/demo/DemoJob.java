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
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.time.Duration;

/**
 * The demo's job: generated vectors → {@code AsyncBatchDataStream.unorderedWait} with a {@link
 * SidecarBatchFunction} → a sink that checks every answer and records its latency.
 */
public final class DemoJob {

    private DemoJob() {}

    /** An embedded MiniCluster environment with one slot per subtask and the metric collector. */
    public static StreamExecutionEnvironment localEnvironment(int parallelism) {
        Configuration config = new Configuration();
        config.setString("metrics.reporter.demo.factory.class", MetricsCollector.class.getName());
        config.set(TaskManagerOptions.NUM_TASK_SLOTS, parallelism);
        return StreamExecutionEnvironment.createLocalEnvironment(parallelism, config);
    }

    /**
     * Adds the pipeline to {@code env}.
     *
     * @param perSecond records per second over all source subtasks; 0 means as fast as possible
     */
    public static void build(
            StreamExecutionEnvironment env,
            String endpoint,
            long records,
            double perSecond,
            int dimension,
            int batchSize,
            int inFlightBatches) {
        GeneratorFunction<Long, DemoRecord> generator =
                id -> new DemoRecord(id, System.nanoTime(), DemoRecord.vectorOf(id, dimension));
        DataGeneratorSource<DemoRecord> source =
                new DataGeneratorSource<>(
                        generator,
                        records,
                        perSecond > 0
                                ? RateLimiterStrategy.perSecond(perSecond)
                                : RateLimiterStrategy.noOp(),
                        TypeInformation.of(DemoRecord.class));
        // rebalance: a parallel DataGeneratorSource may hand all its splits to one reader
        DataStream<DemoRecord> input =
                env.fromSource(source, WatermarkStrategy.noWatermarks(), "generated vectors")
                        .rebalance();
        SidecarBatchFunction<DemoRecord, DemoResult> infer =
                SidecarBatchFunction.builder(new CheckingVectorCodec()).endpoint(endpoint).build();
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
