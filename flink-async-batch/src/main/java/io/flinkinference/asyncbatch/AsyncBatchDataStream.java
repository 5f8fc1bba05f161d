package io.flinkinference.asyncbatch;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.TypeExtractor;
import org.apache.flink.streaming.api.datastream.AsyncDataStream.OutputMode;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.util.Utils;

/**
 * Entry point: applies an {@link AsyncBatchFunction} to a {@link DataStream}, the batch counterpart
 * of Flink's {@code AsyncDataStream}.
 *
 * <p>Example:
 *
 * <pre>{@code
 * DataStream<float[]> embeddings =
 *         AsyncBatchDataStream.unorderedWait(
 *                 sentences,
 *                 new EmbeddingFunction(),
 *                 AsyncBatchOptions.builder()
 *                         .maxBatchSize(64)
 *                         .maxBatchDelay(Duration.ofMillis(5))
 *                         .maxInFlightBatches(8)
 *                         .timeout(Duration.ofSeconds(5))
 *                         .build());
 * }</pre>
 *
 * <p>Unlike {@code AsyncDataStream}, whose function is called once per record and whose {@code
 * capacity} counts records, here the function is called once per batch and {@code
 * maxInFlightBatches} bounds the batches (and so the calls) in flight.
 */
public final class AsyncBatchDataStream {

    private static final String OPERATOR_NAME = "async batch wait operator";

    private AsyncBatchDataStream() {}

    /**
     * Emits each batch's results as soon as the batch completes (never across a watermark). The
     * output type is extracted from the function.
     */
    public static <IN, OUT> SingleOutputStreamOperator<OUT> unorderedWait(
            DataStream<IN> input, AsyncBatchFunction<IN, OUT> function, AsyncBatchOptions options) {
        return addOperator(input, function, options, OutputMode.UNORDERED, null);
    }

    /** As {@link #unorderedWait(DataStream, AsyncBatchFunction, AsyncBatchOptions)}, typed. */
    public static <IN, OUT> SingleOutputStreamOperator<OUT> unorderedWait(
            DataStream<IN> input,
            AsyncBatchFunction<IN, OUT> function,
            AsyncBatchOptions options,
            TypeInformation<OUT> outputType) {
        return addOperator(input, function, options, OutputMode.UNORDERED, outputType);
    }

    /** Emits batches' results in the order the batches were sent, which is input order. */
    public static <IN, OUT> SingleOutputStreamOperator<OUT> orderedWait(
            DataStream<IN> input, AsyncBatchFunction<IN, OUT> function, AsyncBatchOptions options) {
        return addOperator(input, function, options, OutputMode.ORDERED, null);
    }

    /** As {@link #orderedWait(DataStream, AsyncBatchFunction, AsyncBatchOptions)}, typed. */
    public static <IN, OUT> SingleOutputStreamOperator<OUT> orderedWait(
            DataStream<IN> input,
            AsyncBatchFunction<IN, OUT> function,
            AsyncBatchOptions options,
            TypeInformation<OUT> outputType) {
        return addOperator(input, function, options, OutputMode.ORDERED, outputType);
    }

    private static <IN, OUT> SingleOutputStreamOperator<OUT> addOperator(
            DataStream<IN> input,
            AsyncBatchFunction<IN, OUT> function,
            AsyncBatchOptions options,
            OutputMode mode,
            TypeInformation<OUT> outputType) {
        if (outputType == null) {
            outputType =
                    TypeExtractor.getUnaryOperatorReturnType(
                            function,
                            AsyncBatchFunction.class,
                            0,
                            1,
                            new int[] {1, 0},
                            input.getType(),
                            Utils.getCallLocationName(),
                            true);
        }
        AsyncBatchWaitOperatorFactory<IN, OUT> factory =
                new AsyncBatchWaitOperatorFactory<>(
                        input.getExecutionEnvironment().clean(function), options, mode);
        return input.transform(OPERATOR_NAME, outputType, factory);
    }
}
