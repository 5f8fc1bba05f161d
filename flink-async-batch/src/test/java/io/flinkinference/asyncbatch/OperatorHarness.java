package io.flinkinference.asyncbatch;

import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.base.IntSerializer;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.datastream.AsyncDataStream.OutputMode;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.tasks.mailbox.Mail;
import org.apache.flink.streaming.runtime.tasks.mailbox.TaskMailbox;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Runs one {@link AsyncBatchWaitOperator} in Flink's operator test harness with manual processing
 * time. Completions reach the operator as mails; {@link #runMails()} processes them on the test
 * thread, as the task's mailbox loop would.
 */
final class OperatorHarness<IN, OUT> implements AutoCloseable {

    final OneInputStreamOperatorTestHarness<IN, OUT> harness;

    private OperatorHarness(OneInputStreamOperatorTestHarness<IN, OUT> harness) {
        this.harness = harness;
    }

    static <IN, OUT> OperatorHarness<IN, OUT> create(
            AsyncBatchFunction<IN, OUT> function,
            AsyncBatchOptions options,
            OutputMode mode,
            TypeSerializer<IN> inputSerializer)
            throws Exception {
        return new OperatorHarness<>(
                new OneInputStreamOperatorTestHarness<>(
                        new AsyncBatchWaitOperatorFactory<>(function, options, mode),
                        inputSerializer));
    }

    static <OUT> OperatorHarness<Integer, OUT> create(
            AsyncBatchFunction<Integer, OUT> function, AsyncBatchOptions options, OutputMode mode)
            throws Exception {
        return create(function, options, mode, IntSerializer.INSTANCE);
    }

    OperatorHarness<IN, OUT> open() throws Exception {
        harness.open();
        return this;
    }

    OperatorHarness<IN, OUT> restoreAndOpen(OperatorSubtaskState state) throws Exception {
        harness.initializeState(state);
        harness.open();
        return this;
    }

    void element(IN value) throws Exception {
        harness.processElement(new StreamRecord<>(value));
    }

    void element(IN value, long timestamp) throws Exception {
        harness.processElement(new StreamRecord<>(value, timestamp));
    }

    void watermark(long timestamp) throws Exception {
        harness.processWatermark(new Watermark(timestamp));
    }

    void time(long processingTime) throws Exception {
        harness.setProcessingTime(processingTime);
        runMails();
    }

    /** Processes every mail queued so far, as the mailbox loop would. */
    void runMails() throws Exception {
        TaskMailbox mailbox = harness.getTaskMailbox();
        Optional<Mail> mail;
        while ((mail = mailbox.tryTake(TaskMailbox.MIN_PRIORITY)).isPresent()) {
            mail.get().run();
        }
    }

    /** Output values and watermarks, in emission order; watermarks as "W<timestamp>". */
    List<Object> output() {
        List<Object> out = new ArrayList<>();
        for (Object element : harness.getOutput()) {
            if (element instanceof StreamRecord) {
                out.add(((StreamRecord<?>) element).getValue());
            } else if (element instanceof Watermark) {
                out.add("W" + ((Watermark) element).getTimestamp());
            }
        }
        return out;
    }

    List<StreamRecord<? extends OUT>> records() {
        return harness.extractOutputStreamRecords();
    }

    OperatorSubtaskState snapshot() throws Exception {
        return harness.snapshot(1L, harness.getProcessingTime());
    }

    @Override
    public void close() throws Exception {
        harness.close();
    }
}
