package io.flinkinference.benchmarks.harness;

import org.knowm.xchart.internal.chartpart.Chart;

import java.util.ArrayList;
import java.util.List;

/**
 * What one scenario measured: headline figures (medians over the repeats), an optional detail
 * table, the expectations with their verdicts, and plots.
 */
public record ScenarioResult(
        String name,
        String title,
        String setup,
        List<Figure> figures,
        Table details,
        List<Check> checks,
        List<Plot> plots) {

    /** One headline figure, formatted. */
    public record Figure(String label, String value) {}

    /** A detail table (e.g. one row per offered load). */
    public record Table(List<String> header, List<List<String>> rows) {
        public static final Table NONE = new Table(List.of(), List.of());
    }

    /**
     * One documented expectation and whether this run met it.
     *
     * @param expectation the expectation as documented in the issue, never lowered
     * @param measured what this run measured, formatted
     * @param met whether the measurement meets the expectation
     * @param diagnosis what the run observed that explains the figure (shown when missed)
     */
    public record Check(String expectation, String measured, boolean met, String diagnosis) {}

    /** A chart to write as {@code docs/<fileName>}. */
    public record Plot(String fileName, String caption, Chart<?, ?> chart) {}

    public static Builder builder(String name, String title) {
        return new Builder(name, title);
    }

    public boolean allMet() {
        return checks.stream().allMatch(Check::met);
    }

    /** Collects a result step by step. */
    public static final class Builder {
        private final String name;
        private final String title;
        private String setup = "";
        private final List<Figure> figures = new ArrayList<>();
        private Table details = Table.NONE;
        private final List<Check> checks = new ArrayList<>();
        private final List<Plot> plots = new ArrayList<>();

        private Builder(String name, String title) {
            this.name = name;
            this.title = title;
        }

        public Builder setup(String setup) {
            this.setup = setup;
            return this;
        }

        public Builder figure(String label, String value) {
            figures.add(new Figure(label, value));
            return this;
        }

        public Builder details(Table details) {
            this.details = details;
            return this;
        }

        public Builder check(String expectation, String measured, boolean met, String diagnosis) {
            checks.add(new Check(expectation, measured, met, diagnosis));
            return this;
        }

        public Builder plot(String fileName, String caption, Chart<?, ?> chart) {
            plots.add(new Plot(fileName, caption, chart));
            return this;
        }

        public ScenarioResult build() {
            return new ScenarioResult(
                    name,
                    title,
                    setup,
                    List.copyOf(figures),
                    details,
                    List.copyOf(checks),
                    List.copyOf(plots));
        }
    }
}
