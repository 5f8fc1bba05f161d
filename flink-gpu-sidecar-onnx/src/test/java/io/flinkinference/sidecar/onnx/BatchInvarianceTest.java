package io.flinkinference.sidecar.onnx;

import io.flinkinference.sidecar.backend.ItemResult;

import org.apache.flink.configuration.Configuration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The bundled fp32 model gives every text the same vector alone, inside mixed batches of 8 and 32
 * (other lengths, other scripts, other positions, padding up to 256 tokens) and under concurrent
 * calls.
 */
@Timeout(180)
class BatchInvarianceTest {

    private static final Logger LOG = LoggerFactory.getLogger(BatchInvarianceTest.class);
    private static final double MIN_COSINE = 0.99999;

    private static OnnxBackend backend;
    private static final Map<String, byte[]> ALONE = new HashMap<>();

    @BeforeAll
    static void open() throws Exception {
        backend = new OnnxBackend();
        backend.open(new Configuration());
        for (String text : Sentences.VARIED) {
            ALONE.put(text, run(List.of(text)).get(0));
        }
    }

    @AfterAll
    static void close() throws Exception {
        backend.close();
    }

    @Test
    void mixedBatchesOfEight() throws Exception {
        List<String> shuffled = new ArrayList<>(Sentences.VARIED);
        Collections.shuffle(shuffled, new Random(8));
        assertSameAsAlone(shuffled.subList(0, 8));
        assertSameAsAlone(shuffled.subList(8, 16));
    }

    @Test
    void mixedBatchOfThirtyTwo() throws Exception {
        List<String> batch = new ArrayList<>(Sentences.VARIED);
        batch.addAll(Sentences.VARIED);
        Collections.shuffle(batch, new Random(32));
        assertThat(batch).hasSize(32);
        assertSameAsAlone(batch);
    }

    @Test
    void concurrentCallsOfRandomBatches() throws Exception {
        int threads = 4;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Double>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                Random random = new Random(100 + t);
                Callable<Double> client =
                        () -> {
                            start.await();
                            double min = 1.0;
                            for (int b = 0; b < 3; b++) {
                                List<String> batch = new ArrayList<>();
                                int size = 1 + random.nextInt(12);
                                for (int i = 0; i < size; i++) {
                                    batch.add(
                                            Sentences.VARIED.get(
                                                    random.nextInt(Sentences.VARIED.size())));
                                }
                                min = Math.min(min, minCosineAgainstAlone(batch));
                            }
                            return min;
                        };
                futures.add(pool.submit(client));
            }
            start.countDown();
            for (Future<Double> future : futures) {
                assertThat(future.get(150, TimeUnit.SECONDS)).isGreaterThanOrEqualTo(MIN_COSINE);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static void assertSameAsAlone(List<String> batch) throws Exception {
        assertThat(minCosineAgainstAlone(batch)).isGreaterThanOrEqualTo(MIN_COSINE);
    }

    private static double minCosineAgainstAlone(List<String> batch) throws Exception {
        List<byte[]> vectors = run(batch);
        double min = 1.0;
        for (int i = 0; i < batch.size(); i++) {
            double cosine = Vectors.cosine(ALONE.get(batch.get(i)), vectors.get(i));
            assertThat(cosine)
                    .as("'%s' at position %d of a batch of %d", batch.get(i), i, batch.size())
                    .isGreaterThanOrEqualTo(MIN_COSINE);
            min = Math.min(min, cosine);
        }
        LOG.info("batch of {}: min cosine against alone = {}", batch.size(), min);
        return min;
    }

    private static List<byte[]> run(List<String> texts) throws Exception {
        List<byte[]> payloads = new ArrayList<>();
        texts.forEach(t -> payloads.add(t.getBytes(StandardCharsets.UTF_8)));
        List<ItemResult> results = backend.infer(payloads);
        assertThat(results).hasSize(texts.size());
        List<byte[]> vectors = new ArrayList<>();
        for (ItemResult result : results) {
            assertThat(result.isOk()).as("%s", result).isTrue();
            vectors.add(result.payload());
        }
        return vectors;
    }
}
