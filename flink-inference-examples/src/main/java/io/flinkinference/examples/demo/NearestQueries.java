package io.flinkinference.examples.demo;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * The demo's downstream step for embeddings, JVM-wide like {@link DemoStats} (the demo runs Flink
 * embedded): the first {@code queries} records are query sentences; every other embedded sentence
 * is scored against each query by cosine similarity, keeping each query's nearest distinct
 * sentences and the mean similarity to sentences of its own topic and of the others. Sentences that
 * arrive before all queries did wait in a list until then. Thread-safe (synchronized: a few
 * thousand 384-float dot products a second).
 */
public final class NearestQueries {

    private static int queryCount;
    private static int keep;
    private static float[][] queryVectors;
    private static String[] queryTexts;
    private static String[] queryTopics;
    private static int queriesSeen;
    private static List<DemoResult> waiting;
    private static List<List<Match>> nearest;
    private static double[][] similaritySum; // [query][0 = own topic, 1 = other topics]
    private static long[][] similarityCount;
    private static long scored;

    private NearestQueries() {}

    /** One scored sentence. */
    public static final class Match {
        public final String topic;
        public final String text;
        public final double cosine;

        Match(String topic, String text, double cosine) {
            this.topic = topic;
            this.text = text;
            this.cosine = cosine;
        }
    }

    public static synchronized void reset(int queries, int nearestPerQuery) {
        queryCount = queries;
        keep = nearestPerQuery;
        queryVectors = new float[queries][];
        queryTexts = new String[queries];
        queryTopics = new String[queries];
        queriesSeen = 0;
        waiting = new ArrayList<>();
        nearest = new ArrayList<>();
        for (int q = 0; q < queries; q++) {
            nearest.add(new ArrayList<>());
        }
        similaritySum = new double[queries][2];
        similarityCount = new long[queries][2];
        scored = 0;
    }

    static synchronized void offer(DemoResult result) {
        if (queryVectors == null || result.vector == null) {
            return;
        }
        if (result.id < queryCount) {
            int q = (int) result.id;
            if (queryVectors[q] == null) {
                queryVectors[q] = result.vector;
                queryTexts[q] = result.text;
                queryTopics[q] = result.topic;
                if (++queriesSeen == queryCount) {
                    waiting.forEach(NearestQueries::score);
                    waiting.clear();
                }
            }
        } else if (queriesSeen < queryCount) {
            waiting.add(result);
        } else {
            score(result);
        }
    }

    private static void score(DemoResult sentence) {
        scored++;
        for (int q = 0; q < queryCount; q++) {
            double cosine = cosine(queryVectors[q], sentence.vector);
            int own = queryTopics[q].equals(sentence.topic) ? 0 : 1;
            similaritySum[q][own] += cosine;
            similarityCount[q][own]++;
            List<Match> best = nearest.get(q);
            if (best.stream().anyMatch(m -> m.text.equals(sentence.text))) {
                continue;
            }
            int at = 0;
            while (at < best.size() && best.get(at).cosine >= cosine) {
                at++;
            }
            if (at < keep) {
                best.add(at, new Match(sentence.topic, sentence.text, cosine));
                if (best.size() > keep) {
                    best.remove(best.size() - 1);
                }
            }
        }
    }

    static double cosine(float[] a, float[] b) {
        if (a.length != b.length) {
            return Double.NaN;
        }
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
    }

    /** Prints each query's nearest sentences and adds the checks on them. */
    static synchronized void report(PrintStream out, long records, Workload.Checks checks) {
        out.println();
        out.println(
                "nearest generated sentences to each query (cosine similarity of the embeddings,"
                        + " computed in the sink)");
        int ownTopicFirst = 0;
        int ownTopicCloser = 0;
        for (int q = 0; q < queryCount; q++) {
            if (queryVectors[q] == null) {
                out.printf("  query %d: no embedding received%n", q);
                continue;
            }
            out.printf("  [%s] \"%s\"%n", queryTopics[q], queryTexts[q]);
            for (Match m : nearest.get(q)) {
                out.printf("      %.3f  [%s] %s%n", m.cosine, m.topic, m.text);
            }
            double own = mean(q, 0);
            double other = mean(q, 1);
            out.printf(
                    "      mean cosine: %.3f to its own topic's sentences, %.3f to the others%n",
                    own, other);
            List<Match> best = nearest.get(q);
            if (!best.isEmpty() && best.get(0).topic.equals(queryTopics[q])) {
                ownTopicFirst++;
            }
            if (own > other) {
                ownTopicCloser++;
            }
        }
        long sentences = Math.max(0, records - queryCount);
        checks.check(
                queriesSeen == queryCount && scored == sentences && waiting.isEmpty(),
                String.format(
                        "every query embedded (%d of %d) and every other sentence scored against"
                                + " them (%,d of %,d)",
                        queriesSeen, queryCount, scored, sentences));
        checks.check(
                ownTopicFirst == queryCount,
                String.format(
                        "each query's nearest sentence is from the query's topic (%d of %d)",
                        ownTopicFirst, queryCount));
        checks.check(
                ownTopicCloser == queryCount,
                String.format(
                        "each query is closer on average to its own topic than to the others"
                                + " (%d of %d)",
                        ownTopicCloser, queryCount));
    }

    private static double mean(int q, int own) {
        return similarityCount[q][own] == 0
                ? Double.NaN
                : similaritySum[q][own] / similarityCount[q][own];
    }
}
