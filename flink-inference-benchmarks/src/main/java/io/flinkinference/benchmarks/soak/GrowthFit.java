package io.flinkinference.benchmarks.soak;

import java.util.List;

/**
 * A least-squares line through the samples after the warm-up, and the growth it implies over that
 * span relative to the fitted value at its start: {@code slope × span / fitted(start)}.
 *
 * @param slopePerMinute fitted change per minute
 * @param start fitted value at the first sample after the warm-up
 * @param growth fitted relative growth over the span (0.02 = 2%)
 */
public record GrowthFit(double slopePerMinute, double start, double growth) {

    /** Fits {@code y(x)} (x in seconds); fewer than two points fit no growth. */
    public static GrowthFit of(List<Double> x, List<Double> y) {
        int n = x.size();
        if (n < 2) {
            return new GrowthFit(0, n == 1 ? y.get(0) : 0, 0);
        }
        double mx = x.stream().mapToDouble(Double::doubleValue).average().orElse(0);
        double my = y.stream().mapToDouble(Double::doubleValue).average().orElse(0);
        double sxy = 0;
        double sxx = 0;
        for (int i = 0; i < n; i++) {
            sxy += (x.get(i) - mx) * (y.get(i) - my);
            sxx += (x.get(i) - mx) * (x.get(i) - mx);
        }
        double slope = sxx == 0 ? 0 : sxy / sxx;
        double x0 = x.get(0);
        double span = x.get(n - 1) - x0;
        double start = my + slope * (x0 - mx);
        double growth =
                start > 0 ? slope * span / start : (slope > 0 ? Double.POSITIVE_INFINITY : 0);
        return new GrowthFit(slope * 60, start, growth);
    }
}
