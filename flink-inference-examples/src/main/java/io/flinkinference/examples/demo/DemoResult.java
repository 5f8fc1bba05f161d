package io.flinkinference.examples.demo;

/**
 * The sidecar's answer for one generated record, already checked against what the backend must
 * return. The text-embedding workload also carries the sentence, its topic and its embedding for
 * the nearest-sentence step; the mock workload leaves them {@code null}.
 */
public class DemoResult {
    public long id;
    public long createdNanos;
    public boolean correct;
    public String topic;
    public String text;
    public float[] vector;

    public DemoResult() {}

    public DemoResult(long id, long createdNanos, boolean correct) {
        this.id = id;
        this.createdNanos = createdNanos;
        this.correct = correct;
    }

    public DemoResult(
            long id,
            long createdNanos,
            boolean correct,
            String topic,
            String text,
            float[] vector) {
        this(id, createdNanos, correct);
        this.topic = topic;
        this.text = text;
        this.vector = vector;
    }
}
