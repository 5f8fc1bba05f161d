package io.flinkinference.asyncbatch;

import io.flinkinference.asyncbatch.batching.BatchBuffer;
import io.flinkinference.asyncbatch.batching.BatchFlushTimer;
import io.flinkinference.asyncbatch.batching.BufferedBatch;
import io.flinkinference.asyncbatch.metrics.AsyncBatchMetrics;
import io.flinkinference.asyncbatch.metrics.RecordLatencySampler;
import io.flinkinference.asyncbatch.queue.BatchResultQueue;
import io.flinkinference.asyncbatch.queue.OrderedBatchResultQueue;
import io.flinkinference.asyncbatch.queue.UnorderedBatchResultQueue;

import org.apache.flink.api.common.operators.MailboxExecutor;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.datastream.AsyncDataStream.OutputMode;
import org.apache.flink.streaming.api.functions.async.CollectionSupplier;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.apache.flink.streaming.api.operators.AbstractUdfStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.operators.StreamOperatorParameters;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamElement;
import org.apache.flink.streaming.runtime.streamrecord.StreamElementSerializer;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.function.ThrowingRunnable;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Buffers records into batches, calls an {@link AsyncBatchFunction} once per batch, and emits the
 * results, with a bounded number of batches in flight. Created through {@link
 * AsyncBatchDataStream}.
 *
 * <p><b>Batching.</b> A batch leaves the buffer when it reaches {@code maxBatchSize}, when its
 * oldest record has waited {@code maxBatchDelay} (processing time, one timer; see {@link
 * BatchFlushTimer}), when a watermark arrives, and at end of input. No batch is ever empty.
 *
 * <p><b>Backpressure.</b> At most {@code maxInFlightBatches} batches are sent and not yet emitted.
 * When a full batch cannot leave, {@link #processElement} yields to the mailbox until a slot frees,
 * so results, timers and retries keep running while upstream is backpressured. A batch whose timer
 * fires while no slot is free leaves as soon as one is.
 *
 * <p><b>Output.</b> Results are emitted on the task thread only, in {@link OutputMode#ORDERED}
 * (batches in send order) or {@link OutputMode#UNORDERED} (each batch as it completes) order;
 * batches never overtake watermarks in either mode. When a batch returns one output per input,
 * output {@code i} carries input {@code i}'s timestamp; otherwise every output carries the batch's
 * largest input timestamp.
 *
 * <p><b>Failures.</b> Each attempt gets its own {@link ResultFuture}; its first completion counts
 * and later ones are ignored. A failed attempt (exceptional completion or an exception thrown by
 * the function) is retried if the {@link AsyncBatchRetryStrategy} accepts it, otherwise it fails
 * the task. The timeout runs from dispatch over all attempts; on expiry pending retries are
 * cancelled, completions of earlier attempts are ignored, and {@link AsyncBatchFunction#timeout}
 * decides the batch's fate.
 *
 * <p><b>State.</b> A checkpoint stores every input whose output has not been emitted (buffered and
 * in flight) together with the watermarks between them; on restore they are processed again. The
 * job's output is exactly-once, calls to the function at-least-once. With object reuse enabled,
 * inputs are copied on arrival.
 */
public class AsyncBatchWaitOperator<IN, OUT>
        extends AbstractUdfStreamOperator<OUT, AsyncBatchFunction<IN, OUT>>
        implements OneInputStreamOperator<IN, OUT>, BoundedOneInput {

    private static final long serialVersionUID = 1L;

    private static final String STATE_NAME = "_async_batch_wait_operator_state_";

    private final int maxBatchSize;
    private final int maxInFlightBatches;
    private final long maxBatchDelayMillis;
    private final Duration timeout;
    private final int recordLatencySampleInterval;
    private final AsyncBatchRetryStrategy<OUT> retryStrategy;
    private final transient MailboxExecutor mailboxExecutor;

    private final transient StreamElementSerializer<IN> elementSerializer;
    private final transient BatchBuffer<IN> buffer;
    private final transient BatchResultQueue<InFlightBatch<IN, OUT>> queue;

    private transient boolean objectReuse;
    private transient BatchFlushTimer flushTimer;
    private transient AsyncBatchMetrics metrics;
    private transient RecordLatencySampler latencySampler;
    private transient ListState<StreamElement> recoveredElements;
    private transient StreamRecord<OUT> outputRecord;

    /** Records in batches that are in the queue (sent, not yet emitted), for the gauge. */
    private transient int inFlightRecords;

    /**
     * The processing time of the emission in progress: read once per completion rather than once
     * per emitted batch (reading the clock is not free at millions of records per second).
     */
    private transient long emissionMillis;

    /** Created once: method references allocate on each evaluation. */
    private transient Consumer<InFlightBatch<IN, OUT>> batchEmitter;

    private transient Consumer<Watermark> watermarkEmitter;

    /** A batch's timer fired while no slot was free; send the buffer once one frees. */
    private transient boolean flushWhenSlotFrees;

    public AsyncBatchWaitOperator(
            StreamOperatorParameters<OUT> parameters,
            AsyncBatchFunction<IN, OUT> function,
            AsyncBatchOptions options,
            OutputMode outputMode) {
        // Not super(parameters, function): that runs setup() before the user function is
        // assigned, and a rich function would never get its runtime context.
        super(null, function);
        setup(parameters.getContainingTask(), parameters.getStreamConfig(), parameters.getOutput());
        this.processingTimeService = parameters.getProcessingTimeService();
        this.maxBatchSize = options.getMaxBatchSize();
        this.maxInFlightBatches = options.getMaxInFlightBatches();
        this.maxBatchDelayMillis = options.getMaxBatchDelay().toMillis();
        this.timeout = options.getTimeout().orElse(null);
        this.recordLatencySampleInterval = options.getRecordLatencySampleInterval();
        this.retryStrategy = options.getRetryStrategy();
        this.mailboxExecutor = parameters.getMailboxExecutor();
        this.elementSerializer =
                new StreamElementSerializer<>(
                        getOperatorConfig().<IN>getTypeSerializerIn(0, getUserCodeClassloader()));
        this.buffer = new BatchBuffer<>(maxBatchSize);
        this.queue =
                outputMode == OutputMode.ORDERED
                        ? new OrderedBatchResultQueue<>()
                        : new UnorderedBatchResultQueue<>();
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        recoveredElements =
                context.getOperatorStateStore()
                        .getListState(new ListStateDescriptor<>(STATE_NAME, elementSerializer));
    }

    @Override
    public void open() throws Exception {
        super.open();
        objectReuse = getExecutionConfig().isObjectReuseEnabled();
        outputRecord = new StreamRecord<>(null);
        batchEmitter = this::emitBatch;
        watermarkEmitter = output::emitWatermark;
        flushTimer =
                new BatchFlushTimer(
                        getProcessingTimeService(), maxBatchDelayMillis, this::onBatchDelayExpired);
        metrics =
                new AsyncBatchMetrics(
                        getMetricGroup(), queue::batchCount, () -> inFlightRecords, buffer::size);
        latencySampler = new RecordLatencySampler(recordLatencySampleInterval, maxBatchSize);

        if (recoveredElements != null) {
            // Inputs whose outputs were not emitted before the checkpoint: process them again,
            // watermarks included, in the order they were stored.
            for (StreamElement element : recoveredElements.get()) {
                if (element.isRecord()) {
                    processElement(element.<IN>asRecord());
                } else if (element.isWatermark()) {
                    processWatermark(element.asWatermark());
                } else {
                    throw new IllegalStateException(
                            "Unexpected element in the state of "
                                    + getOperatorName()
                                    + ": "
                                    + element.getClass().getName());
                }
            }
            recoveredElements = null;
        }
    }

    @Override
    public void processElement(StreamRecord<IN> record) throws Exception {
        StreamRecord<IN> element = objectReuse ? elementSerializer.copy(record).asRecord() : record;
        // The clock is read only where needed: it costs as much as the rest of this method.
        boolean timed = latencySampler.isSampled(buffer.size());
        boolean startsBatch = buffer.isEmpty() && flushTimer.isEnabled();
        long now =
                timed || startsBatch
                        ? getProcessingTimeService().getCurrentProcessingTime()
                        : BatchBuffer.NOT_TIMED;
        if (startsBatch) {
            flushTimer.batchStarted(now);
        }
        if (buffer.add(element, timed ? now : BatchBuffer.NOT_TIMED)) {
            sendBufferWhenSlotFree();
        }
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        sendBufferWhenSlotFree();
        queue.addWatermark(mark);
        emitCompleted(getProcessingTimeService().getCurrentProcessingTime());
    }

    @Override
    public void endInput() throws Exception {
        sendBufferWhenSlotFree();
        // Timers still fire while we yield here, so timeouts and retries can finish the batches.
        while (!queue.isEmpty()) {
            mailboxExecutor.yield();
        }
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        List<StreamElement> pending = new ArrayList<>(inFlightRecords + buffer.size() + 1);
        queue.forEachPending(batch -> pending.addAll(batch.inputs().records()), pending::add);
        pending.addAll(buffer.records());
        ListState<StreamElement> state =
                getOperatorStateBackend()
                        .getListState(new ListStateDescriptor<>(STATE_NAME, elementSerializer));
        state.update(pending);
    }

    @Override
    public void close() throws Exception {
        if (flushTimer != null) {
            flushTimer.close();
        }
        super.close();
    }

    // ------------------------------------------------------------------------------------------
    //  Sending batches (task thread)
    // ------------------------------------------------------------------------------------------

    private boolean hasFreeSlot() {
        return queue.batchCount() < maxInFlightBatches;
    }

    /** Sends the buffered batch, yielding to the mailbox until a slot is free. */
    private void sendBufferWhenSlotFree() throws InterruptedException {
        while (!buffer.isEmpty() && !hasFreeSlot()) {
            mailboxExecutor.yield();
        }
        if (!buffer.isEmpty()) {
            sendBuffer();
        }
    }

    /** Timer callback: the oldest buffered record has waited maxBatchDelay. */
    private void onBatchDelayExpired() {
        if (buffer.isEmpty()) {
            return;
        }
        if (hasFreeSlot()) {
            sendBuffer();
        } else {
            // Yielding inside a timer callback would nest mailbox processing; leave instead and
            // let the completion that frees a slot send this batch.
            flushWhenSlotFrees = true;
        }
    }

    private void sendBuffer() {
        flushTimer.batchLeft();
        flushWhenSlotFrees = false;
        long now = getProcessingTimeService().getCurrentProcessingTime();
        InFlightBatch<IN, OUT> batch = new InFlightBatch<>(buffer.drain(), now);
        latencySampler.nextBatch();
        queue.addBatch(batch);
        inFlightRecords += batch.size();
        metrics.batchesSent.inc();
        metrics.batchSize.update(batch.size());
        if (timeout != null) {
            batch.setTimeoutTimer(
                    getProcessingTimeService()
                            .registerTimer(now + timeout.toMillis(), t -> onTimeout(batch)));
        }
        invokeAttempt(batch);
    }

    private void invokeAttempt(InFlightBatch<IN, OUT> batch) {
        AttemptFuture future = new AttemptFuture(batch, batch.startAttempt());
        try {
            userFunction.asyncInvokeBatch(batch.values(), future);
        } catch (Throwable t) {
            future.completeExceptionally(t);
        }
    }

    // ------------------------------------------------------------------------------------------
    //  Completion, retry, timeout (task thread, reached through the mailbox)
    // ------------------------------------------------------------------------------------------

    private void onAttemptCompleted(
            InFlightBatch<IN, OUT> batch, int attempt, Collection<OUT> results, Throwable error)
            throws Exception {
        if (!batch.isAwaiting(attempt)) {
            return; // a stale attempt, or one that finished after the timeout took over
        }
        if (attempt == InFlightBatch.TIMEOUT_HANDLER_ATTEMPT) {
            if (error != null) {
                failBatch(batch, error);
            }
            completeBatch(batch, results);
            return;
        }
        if (shouldRetry(batch, results, error)) {
            scheduleRetry(batch, attempt);
            return;
        }
        if (error != null) {
            metrics.batchesFailed.inc();
            failBatch(batch, error);
        }
        metrics.batchesSucceeded.inc();
        completeBatch(batch, results);
    }

    private boolean shouldRetry(
            InFlightBatch<IN, OUT> batch, Collection<OUT> results, Throwable error) {
        boolean retryable =
                error != null
                        ? retryStrategy.shouldRetryOnException(error)
                        : retryStrategy.shouldRetryOnResult(results);
        return retryable && retryStrategy.canRetry(batch.attempts());
    }

    private void scheduleRetry(InFlightBatch<IN, OUT> batch, int failedAttempt) {
        metrics.batchRetries.inc();
        long due =
                getProcessingTimeService().getCurrentProcessingTime()
                        + retryStrategy.backoffMillis(batch.attempts());
        batch.setRetryTimer(
                getProcessingTimeService()
                        .registerTimer(
                                due,
                                t -> {
                                    // A timeout may have taken over since the retry was planned.
                                    if (batch.isAwaiting(failedAttempt)) {
                                        invokeAttempt(batch);
                                    }
                                }));
    }

    private void onTimeout(InFlightBatch<IN, OUT> batch) {
        if (batch.isCompleted() || batch.isTimedOut()) {
            return;
        }
        batch.startTimeoutHandling();
        metrics.batchesTimedOut.inc();
        AttemptFuture future = new AttemptFuture(batch, InFlightBatch.TIMEOUT_HANDLER_ATTEMPT);
        try {
            userFunction.timeout(batch.values(), future);
        } catch (Throwable t) {
            future.completeExceptionally(t);
        }
    }

    private void failBatch(InFlightBatch<IN, OUT> batch, Throwable error) throws Exception {
        batch.cancelTimers();
        throw new AsyncBatchException(
                "Async batch of "
                        + batch.size()
                        + " records failed after "
                        + batch.attempts()
                        + " attempt(s)"
                        + (batch.isTimedOut() ? " and a timeout" : "")
                        + " in "
                        + getOperatorName()
                        + ": "
                        + error,
                error);
    }

    private void completeBatch(InFlightBatch<IN, OUT> batch, Collection<OUT> results) {
        batch.complete(results);
        long now = getProcessingTimeService().getCurrentProcessingTime();
        metrics.batchLatencyMs.update(now - batch.dispatchMillis());
        queue.markCompleted(batch);
        emitCompleted(now);
    }

    /** Emits what the queue lets go; {@code now} is the emission time for recordLatencyMs. */
    private void emitCompleted(long now) {
        emissionMillis = now;
        int emitted = queue.emitCompleted(batchEmitter, watermarkEmitter);
        if (emitted > 0 && flushWhenSlotFrees && hasFreeSlot() && !buffer.isEmpty()) {
            sendBuffer();
        }
    }

    private void emitBatch(InFlightBatch<IN, OUT> batch) {
        Collection<OUT> results = batch.results();
        BufferedBatch<IN> inputs = batch.inputs();
        int size = inputs.size();
        if (results.size() == size) {
            int i = 0;
            for (OUT result : results) {
                emit(result, inputs, i++);
            }
        } else {
            int latest = inputs.latestTimestamped();
            for (OUT result : results) {
                emit(result, inputs, latest);
            }
        }
        inFlightRecords -= size;
        for (int i = 0; i < size; i++) {
            long arrival = inputs.arrival(i);
            if (arrival != BatchBuffer.NOT_TIMED) {
                metrics.recordLatencyMs.update(emissionMillis - arrival);
            }
        }
    }

    /** Emits {@code value} with the timestamp of input {@code index} (none if -1 or untimed). */
    private void emit(OUT value, BufferedBatch<IN> inputs, int index) {
        if (index >= 0 && inputs.hasTimestamp(index)) {
            outputRecord.replace(value, inputs.timestamp(index));
        } else {
            outputRecord.replace(value);
            outputRecord.eraseTimestamp();
        }
        output.collect(outputRecord);
    }

    /**
     * The {@link ResultFuture} of one attempt. Its first completion is handed to the task thread;
     * later ones are ignored. Safe to complete from any thread.
     */
    private final class AttemptFuture implements ResultFuture<OUT>, TimeoutAwareResultFuture {
        private final InFlightBatch<IN, OUT> batch;
        private final int attempt;
        private final AtomicBoolean completed = new AtomicBoolean();

        AttemptFuture(InFlightBatch<IN, OUT> batch, int attempt) {
            this.batch = batch;
            this.attempt = attempt;
        }

        @Override
        public void complete(Collection<OUT> results) {
            if (results == null) {
                completeExceptionally(
                        new NullPointerException(
                                "ResultFuture#complete got null; complete with an empty collection to emit nothing"));
                return;
            }
            if (completed.compareAndSet(false, true)) {
                runInMailbox(() -> onAttemptCompleted(batch, attempt, results, null));
            }
        }

        @Override
        public void complete(CollectionSupplier<OUT> supplier) {
            if (completed.compareAndSet(false, true)) {
                runInMailbox(
                        () -> {
                            Collection<OUT> results;
                            try {
                                results = supplier.get();
                            } catch (Throwable t) {
                                onAttemptCompleted(batch, attempt, null, t);
                                return;
                            }
                            onAttemptCompleted(batch, attempt, results, null);
                        });
            }
        }

        @Override
        public void completeExceptionally(Throwable error) {
            if (completed.compareAndSet(false, true)) {
                runInMailbox(() -> onAttemptCompleted(batch, attempt, null, error));
            }
        }

        @Override
        public Duration configuredTimeout() {
            return timeout;
        }

        private void runInMailbox(ThrowingRunnable<Exception> action) {
            try {
                mailboxExecutor.execute(action, "AsyncBatchWaitOperator#complete %s", batch);
            } catch (RejectedExecutionException mailboxClosed) {
                // The task is shutting down; the batch's inputs are in the last checkpoint and
                // will be sent again after recovery.
                LOG.debug("Ignoring completion of {}: the mailbox is closed.", batch);
            }
        }
    }
}
