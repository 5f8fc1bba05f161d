package io.flinkinference.benchmarks.harness;

import java.util.Locale;

/** Number formatting shared by the table, the Markdown report and the soak report. */
public final class Format {

    private Format() {}

    public static String rate(double perSecond) {
        return String.format(Locale.ROOT, "%,.0f/s", perSecond);
    }

    public static String ms(double ms) {
        return ms >= 100
                ? String.format(Locale.ROOT, "%.0f", ms)
                : String.format(Locale.ROOT, "%.2f", ms);
    }

    public static String ratio(double ratio) {
        return String.format(Locale.ROOT, "%.2f×", ratio);
    }

    public static String percent(double share) {
        return String.format(Locale.ROOT, "%.1f%%", 100 * share);
    }

    public static String num(double value) {
        return Math.abs(value) >= 100
                ? String.format(Locale.ROOT, "%,.0f", value)
                : String.format(Locale.ROOT, "%.3g", value);
    }
}
