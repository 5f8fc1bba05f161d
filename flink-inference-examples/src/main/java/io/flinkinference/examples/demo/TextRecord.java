package io.flinkinference.examples.demo;

/** One generated sentence: an id, when it was generated, its topic and its text. */
public class TextRecord {
    public long id;
    public long createdNanos;
    public String topic;
    public String text;

    public TextRecord() {}

    public TextRecord(long id, long createdNanos, String topic, String text) {
        this.id = id;
        this.createdNanos = createdNanos;
        this.topic = topic;
        this.text = text;
    }
}
