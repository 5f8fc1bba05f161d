package io.flinkinference.examples.demo;

import io.flinkinference.sidecar.client.codec.TensorCodec;

import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.util.InstantiationUtil;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The text-embedding workload without a model: its sentences, its codec's checks, its scoring. */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TextEmbeddingWorkloadTest {

    @Test
    void queriesComeFirstThenEveryCorpusSentenceOncePerPass() throws Exception {
        TextEmbeddingWorkload workload = new TextEmbeddingWorkload(384);
        int corpus = workload.corpusSize();
        assertThat(corpus).isBetween(200, 400);
        // the generator is shipped with the job
        @SuppressWarnings("unchecked")
        GeneratorFunction<Long, TextRecord> generator =
                InstantiationUtil.clone(workload.generator(), getClass().getClassLoader());

        int queries = TextEmbeddingWorkload.queryCount();
        for (int q = 0; q < queries; q++) {
            TextRecord record = generator.map((long) q);
            assertThat(record.id).isEqualTo(q);
            assertThat(record.text).isEqualTo(TextEmbeddingWorkload.QUERIES[q][1]);
        }
        Set<String> firstPass = new HashSet<>();
        Map<String, Integer> perTopic = new HashMap<>();
        for (long id = queries; id < queries + corpus; id++) {
            TextRecord record = generator.map(id);
            firstPass.add(record.text);
            perTopic.merge(record.topic, 1, Integer::sum);
        }
        assertThat(firstPass).hasSize(corpus);
        assertThat(perTopic).hasSize(queries).allSatisfy((topic, n) -> assertThat(n).isEqualTo(40));
        for (String[] query : TextEmbeddingWorkload.QUERIES) {
            assertThat(perTopic).containsKey(query[0]);
            assertThat(firstPass).doesNotContain(query[1]);
        }
        // the second pass: the same sentences behind an opener
        TextRecord again = generator.map((long) queries + corpus);
        assertThat(again.text).startsWith(TextEmbeddingWorkload.OPENERS[1]);
    }

    @Test
    void codecSendsTheTextAndAcceptsOnlyUnitVectorsOfTheDimension() throws Exception {
        CheckingEmbeddingCodec codec = new CheckingEmbeddingCodec(3);
        TextRecord record = new TextRecord(7, 1, "space", "Grüße");
        assertThat(codec.encode(record)).containsExactly("Grüße".getBytes(StandardCharsets.UTF_8));

        DemoResult ok =
                codec.decode(record, TensorCodec.float32().encode(new float[] {0.6f, 0, 0.8f}));
        assertThat(ok.correct).isTrue();
        assertThat(ok.id).isEqualTo(7);
        assertThat(ok.vector).containsExactly(0.6f, 0, 0.8f);
        assertThat(
                        codec.decode(record, TensorCodec.float32().encode(new float[] {1, 1, 0}))
                                .correct)
                .as("norm sqrt(2)")
                .isFalse();
        assertThat(codec.decode(record, TensorCodec.float32().encode(new float[] {1, 0})).correct)
                .as("wrong dimension")
                .isFalse();
        assertThat(
                        codec.decode(
                                        record,
                                        TensorCodec.float32().encode(new float[] {Float.NaN, 0, 1}))
                                .correct)
                .isFalse();
    }

    @Test
    void nearestQueriesScoresSentencesThatArriveBeforeTheQueries() {
        NearestQueries.reset(2, 2);
        // sentences first (ids >= 2), then the two queries
        NearestQueries.offer(result(2, "a", "a one", 1, 0.1f));
        NearestQueries.offer(result(3, "b", "b one", 0.1f, 1));
        NearestQueries.offer(result(0, "a", "query a", 1, 0));
        NearestQueries.offer(result(4, "a", "a one", 1, 0.1f)); // duplicate text: listed once
        NearestQueries.offer(result(1, "b", "query b", 0, 1));
        NearestQueries.offer(result(5, "b", "b two", 0.2f, 1));

        List<String> checks = new ArrayList<>();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        NearestQueries.report(
                new PrintStream(bytes, true, StandardCharsets.UTF_8),
                6,
                (passed, what) -> checks.add((passed ? "ok " : "FAIL ") + what));
        String printed = bytes.toString(StandardCharsets.UTF_8);

        assertThat(checks)
                .containsExactly(
                        "ok every query embedded (2 of 2) and every other sentence scored against"
                                + " them (4 of 4)",
                        "ok each query's nearest sentence is from the query's topic (2 of 2)",
                        "ok each query is closer on average to its own topic than to the others"
                                + " (2 of 2)");
        assertThat(printed).contains("[a] \"query a\"", "0.995  [a] a one", "[b] \"query b\"");
        assertThat(printed.split("a one", -1)).hasSize(2);
    }

    private static DemoResult result(long id, String topic, String text, float x, float y) {
        return new DemoResult(id, 0, true, topic, text, new float[] {x, y});
    }
}
