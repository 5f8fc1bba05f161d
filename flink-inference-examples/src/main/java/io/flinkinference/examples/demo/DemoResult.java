package io.flinkinference.examples.demo;

/** The sidecar's answer for one {@link DemoRecord}, already checked against the input. */
public class DemoResult {
    public long id;
    public long createdNanos;
    public boolean correct;

    public DemoResult() {}

    public DemoResult(long id, long createdNanos, boolean correct) {
        this.id = id;
        this.createdNanos = createdNanos;
        this.correct = correct;
    }
}
