package io.flinkinference.examples.demo;

import io.flinkinference.sidecar.client.codec.TensorCodec;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.datagen.source.GeneratorFunction;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Sentences for a text-embedding backend (the ONNX backend's all-MiniLM-L6-v2): records {@code 0 ..
 * queries-1} are a few fixed query sentences, the rest cycle through the bundled corpus ({@code
 * demo/sentences.tsv}, six topics), each pass with another paraphrasing opener, so the stream holds
 * near-duplicates. Every answer is checked to be a unit vector of {@code dimension} floats; the
 * sink hands them to {@link NearestQueries}, which finds each query's nearest generated sentences.
 */
public final class TextEmbeddingWorkload implements Workload<TextRecord> {

    /** all-MiniLM-L6-v2's embedding size. */
    public static final int MINILM_DIMENSION = 384;

    /** The fixed queries: topic, sentence. None of them is in the corpus. */
    static final String[][] QUERIES = {
        {"cooking", "How do I bake fresh bread at home?"},
        {"football", "Who won the game last night, and who scored?"},
        {"space", "Astronauts are getting ready for a trip to the moon."},
        {"finance", "Why are share prices falling while interest rates go up?"},
        {"weather", "Will it rain or snow tomorrow?"},
        {"programming", "My program throws an exception because of a software bug."},
    };

    /** A pass over the corpus, then the same sentences again behind each of these openers. */
    static final String[] OPENERS = {
        "", "Apparently, ", "In the news today: ", "I just heard that "
    };

    private final int dimension;
    private final String[] topics;
    private final String[] sentences;

    public TextEmbeddingWorkload(int dimension) {
        this.dimension = dimension;
        List<String[]> corpus = loadCorpus("/demo/sentences.tsv");
        topics = new String[corpus.size()];
        sentences = new String[corpus.size()];
        for (int i = 0; i < corpus.size(); i++) {
            topics[i] = corpus.get(i)[0];
            sentences[i] = corpus.get(i)[1];
        }
    }

    /** The number of records that are queries (the first ones). */
    public static int queryCount() {
        return QUERIES.length;
    }

    public int corpusSize() {
        return sentences.length;
    }

    @Override
    public String description() {
        return String.format(
                "%d query sentences, then sentences from a %d-sentence corpus of %d topics;"
                        + " answers: %d-float embeddings",
                QUERIES.length,
                sentences.length,
                java.util.Arrays.stream(topics).distinct().count(),
                dimension);
    }

    @Override
    public GeneratorFunction<Long, TextRecord> generator() {
        String[][] queries = QUERIES;
        String[] corpusTopics = topics;
        String[] corpus = sentences;
        return id -> {
            long now = System.nanoTime();
            if (id < queries.length) {
                int q = (int) (long) id;
                return new TextRecord(id, now, queries[q][0], queries[q][1]);
            }
            long n = id - queries.length;
            // 97 is coprime with the corpus size, so each pass visits every sentence in another
            // order
            int index = (int) ((n * 97) % corpus.length);
            String opener = OPENERS[(int) ((n / corpus.length) % OPENERS.length)];
            String sentence = corpus[index];
            String text =
                    opener.isEmpty()
                            ? sentence
                            : opener
                                    + Character.toLowerCase(sentence.charAt(0))
                                    + sentence.substring(1);
            return new TextRecord(id, now, corpusTopics[index], text);
        };
    }

    @Override
    public TypeInformation<TextRecord> type() {
        return TypeInformation.of(TextRecord.class);
    }

    @Override
    public TensorCodec<TextRecord, DemoResult> codec() {
        return new CheckingEmbeddingCodec(dimension);
    }

    @Override
    public String correctness() {
        return String.format(
                "every answer is a %d-float embedding with unit L2 norm (within %.0e)",
                dimension, CheckingEmbeddingCodec.NORM_TOLERANCE);
    }

    @Override
    public void start(long records) {
        NearestQueries.reset(QUERIES.length, 3);
    }

    @Override
    public void report(PrintStream out, long records, Checks checks) {
        NearestQueries.report(out, records, checks);
    }

    static List<String[]> loadCorpus(String resource) {
        List<String[]> corpus = new ArrayList<>();
        try (InputStream in = TextEmbeddingWorkload.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing class-path resource " + resource);
            }
            BufferedReader reader =
                    new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] parts = line.split("\t", 2);
                if (parts.length != 2) {
                    throw new IllegalStateException(
                            resource + ": not <topic> TAB <sentence>: " + line);
                }
                corpus.add(parts);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return corpus;
    }
}
