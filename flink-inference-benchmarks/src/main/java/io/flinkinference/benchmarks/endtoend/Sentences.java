package io.flinkinference.benchmarks.endtoend;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** The deterministic sentences both sides of end-to-end MiniLM embed (8 to 20 words each). */
final class Sentences {

    private static final String[] WORDS = {
        "stream",
        "batch",
        "model",
        "latency",
        "sidecar",
        "flink",
        "vector",
        "embedding",
        "operator",
        "window",
        "checkpoint",
        "queue",
        "throughput",
        "record",
        "sensor",
        "order",
        "customer",
        "review",
        "product",
        "search",
        "query",
        "document",
        "the",
        "a",
        "of",
        "with"
    };

    static final int COUNT = 1024;

    private Sentences() {}

    static String sentence(long i) {
        int n = (int) (i % COUNT);
        int words = 8 + n % 13;
        StringBuilder s = new StringBuilder();
        long x = n * 2654435761L + 17;
        for (int w = 0; w < words; w++) {
            x = x * 6364136223846793005L + 1442695040888963407L;
            s.append(w == 0 ? "" : " ").append(WORDS[(int) ((x >>> 33) % WORDS.length)]);
        }
        return s.append('.').toString();
    }

    /** {@code size} consecutive sentences from {@code start}, as UTF-8 payloads. */
    static List<byte[]> payloads(long start, int size) {
        List<byte[]> out = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            out.add(sentence(start + i).getBytes(StandardCharsets.UTF_8));
        }
        return out;
    }
}
