package io.flinkinference.benchmarks.harness;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One value per repeat for each named figure; the report gives each figure's median. */
public final class Samples {

    private final Map<String, List<Double>> values = new LinkedHashMap<>();

    public void add(String figure, double value) {
        values.computeIfAbsent(figure, k -> new ArrayList<>()).add(value);
    }

    public double median(String figure) {
        List<Double> list = values.get(figure);
        if (list == null || list.isEmpty()) {
            throw new IllegalArgumentException("no samples of " + figure);
        }
        return median(list);
    }

    public List<Double> all(String figure) {
        return List.copyOf(values.getOrDefault(figure, List.of()));
    }

    public static double median(List<Double> list) {
        List<Double> sorted = new ArrayList<>(list);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
