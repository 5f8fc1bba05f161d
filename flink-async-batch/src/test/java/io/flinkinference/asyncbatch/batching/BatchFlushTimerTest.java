package io.flinkinference.asyncbatch.batching;

import org.apache.flink.streaming.runtime.tasks.ProcessingTimeService;
import org.apache.flink.streaming.runtime.tasks.TestProcessingTimeService;
import org.apache.flink.util.clock.Clock;

import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;

import static org.assertj.core.api.Assertions.assertThat;

/** The flush timer on Flink's manual-time service, counting what it registers. */
class BatchFlushTimerTest {

    private static final long DELAY = 100;

    private final CountingTimeService time = new CountingTimeService();
    private int expiries;
    private final BatchFlushTimer timer = new BatchFlushTimer(time, DELAY, () -> expiries++);

    @Test
    void batchesThatLeaveBeforeTheirDeadlineCostOneRegistrationNotOnePerBatch() throws Exception {
        time.setCurrentTime(0);
        for (int batch = 0; batch < 1000; batch++) {
            timer.batchStarted(0);
            timer.batchLeft();
        }
        assertThat(time.registrations).isEqualTo(1);

        time.setCurrentTime(DELAY);
        assertThat(expiries).isZero();
        assertThat(time.registrations).as("nothing buffered, nothing to re-arm").isEqualTo(1);
        assertThat(time.delegate.getNumActiveTimers()).isZero();
    }

    @Test
    void aTimerLeftByAnEarlierBatchReArmsForTheCurrentBatchsDeadline() throws Exception {
        time.setCurrentTime(0);
        timer.batchStarted(0);
        timer.batchLeft();
        time.setCurrentTime(50);
        timer.batchStarted(50);

        time.setCurrentTime(100);
        assertThat(expiries).isZero();
        assertThat(time.registrations).isEqualTo(2);
        time.setCurrentTime(149);
        assertThat(expiries).isZero();
        time.setCurrentTime(150);
        assertThat(expiries).isEqualTo(1);
    }

    @Test
    void aBatchStillBufferedAtItsDeadlineExpiresOnce() throws Exception {
        time.setCurrentTime(0);
        timer.batchStarted(0);
        time.setCurrentTime(DELAY);
        time.setCurrentTime(10 * DELAY);
        assertThat(expiries).isEqualTo(1);
        assertThat(time.registrations).isEqualTo(1);
    }

    @Test
    void aWallClockStepBackRegistersATimerThatFiresInTime() throws Exception {
        time.setCurrentTime(1000);
        timer.batchStarted(1000); // registered for 1100
        timer.batchLeft();
        time.setCurrentTime(500); // the wall clock stepped back
        timer.batchStarted(500);

        time.setCurrentTime(600);
        assertThat(expiries).isEqualTo(1);
        time.setCurrentTime(1100);
        assertThat(expiries).as("the replaced timer is gone").isEqualTo(1);
    }

    @Test
    void closeCancelsTheRegisteredTimer() throws Exception {
        time.setCurrentTime(0);
        timer.batchStarted(0);
        timer.close();
        assertThat(time.delegate.getNumActiveTimers()).isZero();
        time.setCurrentTime(DELAY);
        assertThat(expiries).isZero();
    }

    @Test
    void aZeroDelayNeverRegistersATimer() throws Exception {
        BatchFlushTimer sizeOnly = new BatchFlushTimer(time, 0, () -> expiries++);
        assertThat(sizeOnly.isEnabled()).isFalse();
        sizeOnly.batchStarted(0);
        time.setCurrentTime(1_000_000);
        assertThat(time.registrations).isZero();
        assertThat(expiries).isZero();
    }

    /** Flink's manual-time service, counting timer registrations. */
    private static final class CountingTimeService implements ProcessingTimeService {
        final TestProcessingTimeService delegate = new TestProcessingTimeService();
        int registrations;

        void setCurrentTime(long millis) throws Exception {
            delegate.setCurrentTime(millis);
        }

        @Override
        public long getCurrentProcessingTime() {
            return delegate.getCurrentProcessingTime();
        }

        @Override
        public ScheduledFuture<?> registerTimer(long timestamp, ProcessingTimeCallback target) {
            registrations++;
            return delegate.registerTimer(timestamp, target);
        }

        @Override
        public Clock getClock() {
            return delegate.getClock();
        }

        @Override
        public ScheduledFuture<?> scheduleAtFixedRate(
                ProcessingTimeCallback callback, long initialDelay, long period) {
            return delegate.scheduleAtFixedRate(callback, initialDelay, period);
        }

        @Override
        public ScheduledFuture<?> scheduleWithFixedDelay(
                ProcessingTimeCallback callback, long initialDelay, long period) {
            return delegate.scheduleWithFixedDelay(callback, initialDelay, period);
        }

        @Override
        public CompletableFuture<Void> quiesce() {
            return delegate.quiesce();
        }
    }
}
