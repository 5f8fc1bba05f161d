package io.flinkinference.asyncbatch;

import org.apache.flink.streaming.api.datastream.AsyncDataStream.OutputMode;
import org.apache.flink.streaming.api.operators.AbstractStreamOperatorFactory;
import org.apache.flink.streaming.api.operators.ChainingStrategy;
import org.apache.flink.streaming.api.operators.OneInputStreamOperatorFactory;
import org.apache.flink.streaming.api.operators.StreamOperator;
import org.apache.flink.streaming.api.operators.StreamOperatorParameters;

/** Creates {@link AsyncBatchWaitOperator}s; used by {@link AsyncBatchDataStream}. */
public class AsyncBatchWaitOperatorFactory<IN, OUT> extends AbstractStreamOperatorFactory<OUT>
        implements OneInputStreamOperatorFactory<IN, OUT> {

    private static final long serialVersionUID = 1L;

    private final AsyncBatchFunction<IN, OUT> function;
    private final AsyncBatchOptions options;
    private final OutputMode outputMode;

    public AsyncBatchWaitOperatorFactory(
            AsyncBatchFunction<IN, OUT> function,
            AsyncBatchOptions options,
            OutputMode outputMode) {
        this.function = function;
        this.options = options;
        this.outputMode = outputMode;
        // Like Flink's AsyncWaitOperator: chaining keeps the batch buffer next to its source.
        this.chainingStrategy = ChainingStrategy.ALWAYS;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T extends StreamOperator<OUT>> T createStreamOperator(
            StreamOperatorParameters<OUT> parameters) {
        return (T) new AsyncBatchWaitOperator<>(parameters, function, options, outputMode);
    }

    @Override
    @SuppressWarnings("rawtypes")
    public Class<? extends StreamOperator> getStreamOperatorClass(ClassLoader classLoader) {
        return AsyncBatchWaitOperator.class;
    }
}
