package io.flinkinference.asyncbatch.metrics;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RecordLatencySamplerTest {

    @Test
    void anIntervalOfOneMeasuresEveryRecord() {
        RecordLatencySampler sampler = new RecordLatencySampler(1, 100);
        for (int batch = 0; batch < 10; batch++) {
            for (int position = 0; position < 100; position++) {
                assertThat(sampler.isSampled(position)).isTrue();
            }
            sampler.nextBatch();
        }
    }

    @Test
    void measuresOneRecordInTheIntervalOnAverage() {
        int records = 800_000;
        int[][] intervalAndBatch = {{2, 64}, {8, 64}, {10, 32}, {8, 10}, {3, 200}, {64, 16}};
        for (int[] case_ : intervalAndBatch) {
            int interval = case_[0];
            int batchSize = case_[1];
            RecordLatencySampler sampler = new RecordLatencySampler(interval, batchSize, 42);
            int sampled = 0;
            for (int i = 0; i < records / batchSize; i++) {
                for (int position = 0; position < batchSize; position++) {
                    sampled += sampler.isSampled(position) ? 1 : 0;
                }
                sampler.nextBatch();
            }
            double expected = (double) (records / batchSize * batchSize) / interval;
            // Seeded, so deterministic; ±4% is over 3 standard deviations in every case here.
            assertThat((double) sampled)
                    .as("interval %d, batch %d", interval, batchSize)
                    .isBetween(expected * 0.96, expected * 1.04);
        }
    }

    @Test
    void everyPositionInABatchIsMeasuredAsOften() {
        // Every n-th record would measure only the first record of each batch when the batch
        // size is a multiple of n: the record that waits longest.
        int interval = 8;
        int batchSize = 80;
        int batches = 100_000;
        RecordLatencySampler sampler = new RecordLatencySampler(interval, batchSize, 7);
        int[] byPosition = new int[batchSize];
        for (int b = 0; b < batches; b++) {
            for (int position = 0; position < batchSize; position++) {
                byPosition[position] += sampler.isSampled(position) ? 1 : 0;
            }
            sampler.nextBatch();
        }
        double expected = (double) batches / interval;
        for (int position = 0; position < batchSize; position++) {
            assertThat((double) byPosition[position])
                    .as("position %d", position)
                    .isBetween(expected * 0.93, expected * 1.07);
        }
    }

    @Test
    void aPartialBatchIsMeasuredAtTheSameRate() {
        // Batches cut short by the delay, a watermark or end of input use the first positions.
        int interval = 4;
        int maxBatchSize = 64;
        int used = 5;
        int batches = 200_000;
        RecordLatencySampler sampler = new RecordLatencySampler(interval, maxBatchSize, 11);
        int sampled = 0;
        for (int b = 0; b < batches; b++) {
            for (int position = 0; position < used; position++) {
                sampled += sampler.isSampled(position) ? 1 : 0;
            }
            sampler.nextBatch();
        }
        double expected = (double) batches * used / interval;
        assertThat((double) sampled).isBetween(expected * 0.97, expected * 1.03);
    }

    @Test
    void refusesAnIntervalBelowOne() {
        assertThatThrownBy(() -> new RecordLatencySampler(0, 8))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("0");
    }
}
