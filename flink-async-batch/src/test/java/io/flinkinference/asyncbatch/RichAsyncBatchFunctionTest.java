package io.flinkinference.asyncbatch;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.streaming.api.datastream.AsyncDataStream.OutputMode;
import org.apache.flink.streaming.api.functions.async.ResultFuture;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RichAsyncBatchFunctionTest {

    static final class Probe extends RichAsyncBatchFunction<Integer, String> {
        private static final long serialVersionUID = 1L;
        int opened;
        int closed;
        String subtaskName;
        Throwable stateAccess;

        @Override
        public void open(OpenContext openContext) {
            opened++;
            subtaskName = getRuntimeContext().getTaskInfo().getTaskName();
            getRuntimeContext().getMetricGroup().counter("probeCounter").inc();
            try {
                getRuntimeContext().getState(new ValueStateDescriptor<>("s", Integer.class));
            } catch (Throwable t) {
                stateAccess = t;
            }
        }

        @Override
        public void close() {
            closed++;
        }

        @Override
        public void asyncInvokeBatch(List<Integer> inputs, ResultFuture<String> resultFuture) {
            resultFuture.complete(List.of("n=" + inputs.size()));
        }
    }

    @Test
    void isOpenedAndClosedOnceAndRefusesStateWithAMessageThatSaysWhy() throws Exception {
        Probe probe = new Probe();
        var h =
                OperatorHarness.create(
                        probe,
                        AsyncBatchOptions.builder().maxBatchSize(2).build(),
                        OutputMode.ORDERED);
        h.open();
        h.element(1);
        h.element(2);
        h.runMails();
        assertThat(h.output()).containsExactly("n=2");
        h.close();

        assertThat(probe.opened).isEqualTo(1);
        assertThat(probe.closed).isEqualTo(1);
        assertThat(probe.subtaskName).isNotNull();
        assertThat(probe.stateAccess)
                .isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining("State is not available in a RichAsyncBatchFunction");
    }
}
