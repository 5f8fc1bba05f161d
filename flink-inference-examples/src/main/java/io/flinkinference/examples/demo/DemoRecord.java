package io.flinkinference.examples.demo;

/** One generated input: an id, when it was generated, and the vector sent to the sidecar. */
public class DemoRecord {
    public long id;
    public long createdNanos;
    public float[] vector;

    public DemoRecord() {}

    public DemoRecord(long id, long createdNanos, float[] vector) {
        this.id = id;
        this.createdNanos = createdNanos;
        this.vector = vector;
    }

    /** The deterministic vector of record {@code id}, so that every answer can be checked. */
    public static float[] vectorOf(long id, int dimension) {
        float[] v = new float[dimension];
        for (int i = 0; i < dimension; i++) {
            v[i] = (float) (id * 31 + i) / (i + 1);
        }
        return v;
    }
}
