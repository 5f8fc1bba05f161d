package io.flinkinference.asyncbatch.metrics;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RecordLatencySamplerTest {

    @Test
    void anIntervalOfOneMeasuresEveryRecord() {
        RecordLatencySampler sampler = new RecordLatencySampler(1);
        for (int i = 0; i < 10_000; i++) {
            assertThat(sampler.sampleNext()).isTrue();
        }
    }

    @Test
    void measuresOneRecordInTheIntervalOnAverage() {
        int records = 800_000;
        for (int interval : new int[] {2, 8, 10, 64}) {
            RecordLatencySampler sampler = new RecordLatencySampler(interval, 42);
            int sampled = 0;
            for (int i = 0; i < records; i++) {
                sampled += sampler.sampleNext() ? 1 : 0;
            }
            double expected = (double) records / interval;
            // Seeded, so deterministic; ±3% is over 3 standard deviations at every interval here.
            assertThat((double) sampled)
                    .as("interval %d", interval)
                    .isBetween(expected * 0.97, expected * 1.03);
        }
    }

    @Test
    void everyPositionInABatchIsMeasuredAsOftenWhateverTheBatchSize() {
        // Every n-th record would measure only the first record of each batch when the batch
        // size is a multiple of n: the record that waits longest.
        int interval = 8;
        int batchSize = 16;
        int batches = 100_000;
        RecordLatencySampler sampler = new RecordLatencySampler(interval, 7);
        int[] byPosition = new int[batchSize];
        for (int b = 0; b < batches; b++) {
            for (int position = 0; position < batchSize; position++) {
                byPosition[position] += sampler.sampleNext() ? 1 : 0;
            }
        }
        double expected = (double) batches / interval;
        for (int position = 0; position < batchSize; position++) {
            assertThat((double) byPosition[position])
                    .as("position %d", position)
                    .isBetween(expected * 0.93, expected * 1.07);
        }
    }

    @Test
    void refusesAnIntervalBelowOne() {
        assertThatThrownBy(() -> new RecordLatencySampler(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("0");
    }
}
