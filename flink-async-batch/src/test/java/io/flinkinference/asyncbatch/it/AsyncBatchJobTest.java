package io.flinkinference.asyncbatch.it;

import io.flinkinference.asyncbatch.AsyncBatchDataStream;
import io.flinkinference.asyncbatch.AsyncBatchOptions;
import io.flinkinference.asyncbatch.RichAsyncBatchFunction;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.apache.flink.test.junit5.MiniClusterExtension;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/** Backpressure, end of input and the rich function's lifecycle in real jobs. */
class AsyncBatchJobTest {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = ItSupport.miniCluster(new Configuration());

    static final Map<Integer, AtomicInteger> OUTSTANDING = new ConcurrentHashMap<>();
    static final Map<Integer, AtomicInteger> MAX_OUTSTANDING = new ConcurrentHashMap<>();
    static final Map<Integer, AtomicInteger> OPENS = new ConcurrentHashMap<>();
    static final Map<Integer, AtomicInteger> CLOSES = new ConcurrentHashMap<>();
    static final Queue<String> STATE_ERRORS = new ConcurrentLinkedQueue<>();

    @BeforeEach
    void reset() {
        OUTSTANDING.clear();
        MAX_OUTSTANDING.clear();
        OPENS.clear();
        CLOSES.clear();
        STATE_ERRORS.clear();
    }

    // ---------------------------------------------------------------------------------------
    //  In-flight limit and backpressure
    // ---------------------------------------------------------------------------------------

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void inFlightBatchesReachButNeverExceedTheLimit() throws Exception {
        final int records = 800;
        final int maxInFlight = 3;
        StreamExecutionEnvironment env = ItSupport.noRestartEnv(2);
        DataStream<Long> results =
                AsyncBatchDataStream.unorderedWait(
                        ItSupport.longsToEverySubtask(env, records),
                        new ConcurrencyTrackingService(),
                        AsyncBatchOptions.builder()
                                .maxBatchSize(10)
                                .maxBatchDelay(Duration.ofMillis(5))
                                .maxInFlightBatches(maxInFlight)
                                .build(),
                        Types.LONG);

        List<Long> out = ItSupport.collect(results);

        System.out.printf(
                "[backpressure] max outstanding batches per subtask: %s (limit %d); %d of %d "
                        + "results%n",
                MAX_OUTSTANDING, maxInFlight, out.size(), records);
        assertThat(MAX_OUTSTANDING).hasSize(2);
        MAX_OUTSTANDING.values().forEach(max -> assertThat(max).hasValue(maxInFlight));
        assertThat(out).containsExactlyInAnyOrderElementsOf(range(records));
    }

    /** Counts the batches of its subtask that have been called and not answered yet. */
    static class ConcurrencyTrackingService extends RichAsyncBatchFunction<Long, Long> {
        @Override
        public void asyncInvokeBatch(List<Long> inputs, ResultFuture<Long> resultFuture) {
            int subtask = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
            AtomicInteger outstanding =
                    OUTSTANDING.computeIfAbsent(subtask, k -> new AtomicInteger());
            MAX_OUTSTANDING
                    .computeIfAbsent(subtask, k -> new AtomicInteger())
                    .accumulateAndGet(outstanding.incrementAndGet(), Math::max);
            List<Long> out = new ArrayList<>(inputs);
            ItSupport.SERVICE.schedule(
                    () -> {
                        outstanding.decrementAndGet(); // before completing: no false excess
                        resultFuture.complete(out);
                    },
                    ItSupport.jitter(15, 25),
                    TimeUnit.MILLISECONDS);
        }
    }

    // ---------------------------------------------------------------------------------------
    //  End of input
    // ---------------------------------------------------------------------------------------

    @ParameterizedTest(name = "ordered={0}")
    @ValueSource(booleans = {true, false})
    @Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void endOfInputEmitsEveryResultOfSlowInFlightBatches(boolean ordered) throws Exception {
        final int records = 500; // 71 batches of 7 and a partial one of 3
        StreamExecutionEnvironment env = ItSupport.noRestartEnv(1);
        DataStream<Long> input = ItSupport.longs(env, records, 0);
        AsyncBatchOptions options =
                AsyncBatchOptions.builder()
                        .maxBatchSize(7)
                        .maxBatchDelay(Duration.ofHours(1))
                        .maxInFlightBatches(4)
                        .build();
        DataStream<Long> results =
                ordered
                        ? AsyncBatchDataStream.orderedWait(
                                input, new SlowDoubling(), options, Types.LONG)
                        : AsyncBatchDataStream.unorderedWait(
                                input, new SlowDoubling(), options, Types.LONG);

        List<Long> out = ItSupport.collect(results);

        System.out.printf(
                "[end of input ordered=%s] %d of %d results%n", ordered, out.size(), records);
        List<Long> expected = range(records).stream().map(v -> 2 * v).collect(Collectors.toList());
        if (ordered) {
            assertThat(out).containsExactlyElementsOf(expected);
        } else {
            assertThat(out).containsExactlyInAnyOrderElementsOf(expected);
        }
    }

    /** Answers 2 * input after 20-60 ms, so batches complete out of order. */
    static class SlowDoubling extends RichAsyncBatchFunction<Long, Long> {
        @Override
        public void asyncInvokeBatch(List<Long> inputs, ResultFuture<Long> resultFuture) {
            List<Long> out = inputs.stream().map(v -> 2 * v).collect(Collectors.toList());
            ItSupport.SERVICE.schedule(
                    () -> resultFuture.complete(out),
                    ItSupport.jitter(20, 60),
                    TimeUnit.MILLISECONDS);
        }
    }

    // ---------------------------------------------------------------------------------------
    //  Object reuse
    // ---------------------------------------------------------------------------------------

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void withObjectReuseInputsAreCopiedOnArrival() throws Exception {
        final int records = 300;
        StreamExecutionEnvironment env = ItSupport.noRestartEnv(1);
        env.getConfig().enableObjectReuse();
        DataStream<MutableBox> boxes =
                ItSupport.longs(env, records, 0).map(new ReusingBoxer()); // chained: no copy
        DataStream<Long> results =
                AsyncBatchDataStream.orderedWait(
                        boxes,
                        new UnboxLater(),
                        AsyncBatchOptions.builder()
                                .maxBatchSize(16)
                                .maxBatchDelay(Duration.ofMillis(20))
                                .build(),
                        Types.LONG);

        List<Long> out = ItSupport.collect(results);

        assertThat(out).containsExactlyElementsOf(range(records));
    }

    /** A mutable record type. */
    public static class MutableBox {
        public long value;

        public MutableBox() {}
    }

    /** Emits the same {@link MutableBox} instance for every input, as reusing sources do. */
    static class ReusingBoxer extends RichMapFunction<Long, MutableBox> {
        private transient MutableBox box;

        @Override
        public MutableBox map(Long value) {
            if (box == null) {
                box = new MutableBox();
            }
            box.value = value;
            return box;
        }
    }

    /** Reads the boxes only when answering, on another thread, after 1-5 ms. */
    static class UnboxLater extends RichAsyncBatchFunction<MutableBox, Long> {
        @Override
        public void asyncInvokeBatch(List<MutableBox> inputs, ResultFuture<Long> resultFuture) {
            ItSupport.SERVICE.schedule(
                    () -> {
                        List<Long> out = new ArrayList<>();
                        inputs.forEach(box -> out.add(box.value));
                        resultFuture.complete(out);
                    },
                    ItSupport.jitter(1, 5),
                    TimeUnit.MILLISECONDS);
        }
    }

    // ---------------------------------------------------------------------------------------
    //  RichAsyncBatchFunction in a job
    // ---------------------------------------------------------------------------------------

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void richFunctionIsOpenedAndClosedOncePerSubtaskAndRefusesState() throws Exception {
        final int records = 100;
        StreamExecutionEnvironment env = ItSupport.noRestartEnv(2);
        DataStream<Long> results =
                AsyncBatchDataStream.orderedWait(
                        ItSupport.longsToEverySubtask(env, records),
                        new LifecycleService(),
                        AsyncBatchOptions.builder().maxBatchSize(8).build(),
                        Types.LONG);

        List<Long> out = ItSupport.collect(results);

        System.out.printf(
                "[rich function] opens %s, closes %s, state refusals %d%n",
                OPENS, CLOSES, STATE_ERRORS.size());
        assertThat(out).containsExactlyInAnyOrderElementsOf(range(records));
        assertThat(OPENS.keySet()).containsExactlyInAnyOrder(0, 1);
        assertThat(CLOSES.keySet()).containsExactlyInAnyOrder(0, 1);
        OPENS.values().forEach(count -> assertThat(count).hasValue(1));
        CLOSES.values().forEach(count -> assertThat(count).hasValue(1));
        // one refusal in open() and one in the first asyncInvokeBatch() of each subtask
        assertThat(STATE_ERRORS).hasSize(4);
        assertThat(STATE_ERRORS)
                .allSatisfy(
                        message ->
                                assertThat(message)
                                        .contains("State is not available")
                                        .contains("RichAsyncBatchFunction"));
    }

    /** Records its lifecycle and tries to use state in open() and in asyncInvokeBatch(). */
    static class LifecycleService extends RichAsyncBatchFunction<Long, Long> {
        private transient boolean triedStateInInvoke;

        @Override
        public void open(OpenContext openContext) throws Exception {
            super.open(openContext);
            assertThat(getRuntimeContext().getTaskInfo().getNumberOfParallelSubtasks())
                    .isEqualTo(2);
            OPENS.computeIfAbsent(subtask(), k -> new AtomicInteger()).incrementAndGet();
            // metrics work
            getRuntimeContext().getMetricGroup().counter("userCounter").inc();
            try {
                getRuntimeContext().getState(new ValueStateDescriptor<>("v", Types.LONG));
                STATE_ERRORS.add("getState did not throw");
            } catch (UnsupportedOperationException e) {
                STATE_ERRORS.add(String.valueOf(e.getMessage()));
            }
        }

        @Override
        public void asyncInvokeBatch(List<Long> inputs, ResultFuture<Long> resultFuture) {
            if (!triedStateInInvoke) {
                triedStateInInvoke = true;
                try {
                    getRuntimeContext().getListState(new ListStateDescriptor<>("l", Types.LONG));
                    STATE_ERRORS.add("getListState did not throw");
                } catch (UnsupportedOperationException e) {
                    STATE_ERRORS.add(String.valueOf(e.getMessage()));
                }
            }
            List<Long> out = new ArrayList<>(inputs);
            ItSupport.SERVICE.execute(() -> resultFuture.complete(out));
        }

        @Override
        public void close() throws Exception {
            CLOSES.computeIfAbsent(subtask(), k -> new AtomicInteger()).incrementAndGet();
            super.close();
        }

        private int subtask() {
            return getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
        }
    }

    private static List<Long> range(int records) {
        return LongStream.range(0, records).boxed().collect(Collectors.toList());
    }
}
