package io.flinkinference.asyncbatch.it;

import io.flinkinference.asyncbatch.AsyncBatchDataStream;
import io.flinkinference.asyncbatch.AsyncBatchFunction;
import io.flinkinference.asyncbatch.AsyncBatchOptions;

import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.test.junit5.MiniClusterExtension;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Checkpointed exactly-once output across a failure: buffered and in-flight inputs are in the
 * operator's checkpoint and are sent again after restore, so each output is committed exactly once.
 * Without the operator's snapshot, inputs in flight at the restored checkpoint are lost.
 */
class AsyncBatchExactlyOnceTest {

    private static final int RECORDS = 3000;
    private static final int FAIL_AFTER_RECORDS = 900;

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = ItSupport.miniCluster(new Configuration());

    /** Transactions committed by {@link CommittingSink}, keyed by subtask and checkpoint id. */
    static final Map<String, List<String>> COMMITTED = new ConcurrentHashMap<>();

    static final AtomicBoolean CHECKPOINT_COMPLETED = new AtomicBoolean();
    static final AtomicBoolean FAILED = new AtomicBoolean();
    static final AtomicInteger SEEN_BEFORE_FAILURE = new AtomicInteger();
    static final AtomicInteger FAILED_AT = new AtomicInteger();
    static final AtomicLong RECORDS_SENT_TO_SERVICE = new AtomicLong();
    static final AtomicInteger BATCHES_CALLED = new AtomicInteger();
    static final AtomicInteger MAX_OUTSTANDING = new AtomicInteger();
    static final AtomicInteger OUTSTANDING = new AtomicInteger();

    @BeforeEach
    void reset() {
        COMMITTED.clear();
        CHECKPOINT_COMPLETED.set(false);
        FAILED.set(false);
        SEEN_BEFORE_FAILURE.set(0);
        FAILED_AT.set(0);
        RECORDS_SENT_TO_SERVICE.set(0);
        BATCHES_CALLED.set(0);
        MAX_OUTSTANDING.set(0);
        OUTSTANDING.set(0);
    }

    @ParameterizedTest(name = "ordered={0}")
    @ValueSource(booleans = {true, false})
    @Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void eachOutputExactlyOnceAcrossAFailure(boolean ordered) throws Exception {
        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 3);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(50));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        env.enableCheckpointing(100);

        DataStream<Long> input = ItSupport.longs(env, RECORDS, 1500);
        AsyncBatchOptions options =
                AsyncBatchOptions.builder()
                        .maxBatchSize(16)
                        .maxBatchDelay(Duration.ofMillis(10))
                        .maxInFlightBatches(4)
                        .build();
        DataStream<String> results =
                ordered
                        ? AsyncBatchDataStream.orderedWait(input, new SlowService(), options)
                        : AsyncBatchDataStream.unorderedWait(input, new SlowService(), options);
        results.map(new FailOnceAfterCheckpoint())
                .name("fail-once")
                .map(new CommittingSink())
                .name("committing-sink")
                .sinkTo(new DiscardingSink<>());

        env.execute("exactly-once ordered=" + ordered);

        Map<String, Integer> counts = new HashMap<>();
        COMMITTED.values().forEach(txn -> txn.forEach(v -> counts.merge(v, 1, Integer::sum)));
        List<String> missing = new ArrayList<>();
        for (long i = 0; i < RECORDS; i++) {
            if (!counts.containsKey("r" + i)) {
                missing.add("r" + i);
            }
        }
        Map<String, Integer> duplicates = new TreeMap<>();
        counts.forEach(
                (value, count) -> {
                    if (count > 1) {
                        duplicates.put(value, count);
                    }
                });
        long committed = counts.values().stream().mapToLong(Integer::longValue).sum();
        System.out.printf(
                "[exactly-once ordered=%s] injected failure: %s after %d records passed the "
                        + "operator; records in: %d; sent to the service (at-least-once): %d in %d "
                        + "batches, max %d batches outstanding; committed outputs: %d in %d "
                        + "transactions; duplicates: %d; losses: %d%n",
                ordered,
                FAILED.get(),
                FAILED_AT.get(),
                RECORDS,
                RECORDS_SENT_TO_SERVICE.get(),
                BATCHES_CALLED.get(),
                MAX_OUTSTANDING.get(),
                committed,
                COMMITTED.size(),
                duplicates.size(),
                missing.size());

        assertThat(FAILED).as("the failure was injected").isTrue();
        assertThat(duplicates).as("duplicated outputs").isEmpty();
        assertThat(missing).as("lost outputs").isEmpty();
        assertThat(counts.keySet())
                .as("no unexpected outputs")
                .allMatch(v -> v.matches("r\\d+") && Long.parseLong(v.substring(1)) < RECORDS);
        assertThat(committed).isEqualTo(RECORDS);
        // the restored inputs were sent again: calls are at-least-once
        assertThat(RECORDS_SENT_TO_SERVICE.get()).isGreaterThan(RECORDS);
    }

    /** Completes each batch on the service's threads after 2-15 ms: "r" + input. */
    static class SlowService implements AsyncBatchFunction<Long, String> {
        @Override
        public void asyncInvokeBatch(List<Long> inputs, ResultFuture<String> resultFuture) {
            BATCHES_CALLED.incrementAndGet();
            RECORDS_SENT_TO_SERVICE.addAndGet(inputs.size());
            MAX_OUTSTANDING.accumulateAndGet(OUTSTANDING.incrementAndGet(), Math::max);
            List<String> out = new ArrayList<>(inputs.size());
            for (Long input : inputs) {
                out.add("r" + input);
            }
            ItSupport.SERVICE.schedule(
                    () -> {
                        OUTSTANDING.decrementAndGet();
                        resultFuture.complete(out);
                    },
                    ItSupport.jitter(2, 15),
                    TimeUnit.MILLISECONDS);
        }
    }

    /** Throws once, mid-stream, after at least one checkpoint of the job has completed. */
    static class FailOnceAfterCheckpoint extends RichMapFunction<String, String>
            implements CheckpointListener {
        @Override
        public String map(String value) {
            int seen = SEEN_BEFORE_FAILURE.incrementAndGet();
            if (CHECKPOINT_COMPLETED.get()
                    && seen >= FAIL_AFTER_RECORDS
                    && FAILED.compareAndSet(false, true)) {
                FAILED_AT.set(seen);
                throw new RuntimeException("injected failure after " + seen + " records");
            }
            return value;
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) {
            CHECKPOINT_COMPLETED.set(true);
        }
    }

    /**
     * A transactional sink in a map: records are staged per checkpoint in operator state and
     * committed (moved to {@link #COMMITTED}) when the checkpoint completes. On restore, the staged
     * transactions of the restored checkpoint are committed again, idempotently by transaction id.
     */
    static class CommittingSink extends RichMapFunction<String, String>
            implements CheckpointedFunction, CheckpointListener {

        private transient List<String> current;
        private transient TreeMap<Long, List<String>> staged;
        private transient ListState<Tuple2<String, String>> state;
        private transient int subtask;

        @Override
        public String map(String value) {
            current.add(value);
            return value;
        }

        @Override
        public void initializeState(FunctionInitializationContext context) throws Exception {
            subtask = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
            current = new ArrayList<>();
            staged = new TreeMap<>();
            state =
                    context.getOperatorStateStore()
                            .getListState(
                                    new ListStateDescriptor<>(
                                            "staged", Types.TUPLE(Types.STRING, Types.STRING)));
            Map<String, List<String>> restored = new HashMap<>();
            for (Tuple2<String, String> entry : state.get()) {
                restored.computeIfAbsent(entry.f0, k -> new ArrayList<>()).add(entry.f1);
            }
            // The restored checkpoint completed, so its transactions are committed.
            restored.forEach(COMMITTED::putIfAbsent);
            state.clear();
        }

        @Override
        public void snapshotState(FunctionSnapshotContext context) throws Exception {
            staged.put(context.getCheckpointId(), current);
            current = new ArrayList<>();
            List<Tuple2<String, String>> all = new ArrayList<>();
            staged.forEach(
                    (checkpointId, values) -> {
                        String txn = txn(checkpointId);
                        values.forEach(v -> all.add(Tuple2.of(txn, v)));
                    });
            state.update(all);
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) {
            var done = staged.headMap(checkpointId, true);
            done.forEach((id, values) -> COMMITTED.putIfAbsent(txn(id), values));
            done.clear();
        }

        private String txn(long checkpointId) {
            return subtask + "-" + checkpointId;
        }
    }
}
