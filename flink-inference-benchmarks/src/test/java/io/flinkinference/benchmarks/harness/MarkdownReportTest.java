package io.flinkinference.benchmarks.harness;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class MarkdownReportTest {

    @Test
    @Timeout(30)
    void regeneratesFiguresAndKeepsTheHandWrittenAnalysis(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("benchmarks.md");
        XYChartFixture chart = new XYChartFixture();
        ScenarioResult result =
                ScenarioResult.builder("demo", "Demo")
                        .setup("setup text")
                        .figure("rate", Format.rate(1234))
                        .check("rate ≥ 2000/s", Format.rate(1234), false, "machine busy")
                        .plot("demo.png", "demo plot", chart.chart)
                        .build();
        RunSettings settings = RunSettings.of(true, null);
        MarkdownReport.write(
                file,
                "bin/bench --quick",
                MachineFacts.current(),
                "shared",
                settings,
                List.of(result));
        String first = Files.readString(file);
        assertThat(first)
                .contains("bin/bench --quick", "1,234/s", "**missed** (machine busy)", "demo.png");
        assertThat(dir.resolve("demo.png")).isNotEmptyFile();

        Files.writeString(
                file, first.replace("(No analysis written yet.)", "The reason: a busy machine."));
        MarkdownReport.write(
                file, "bin/bench", MachineFacts.current(), "", settings, List.of(result));
        assertThat(Files.readString(file)).contains("The reason: a busy machine.");
    }

    @Test
    @Timeout(5)
    void medianOfRepeats() {
        Samples s = new Samples();
        s.add("x", 3);
        s.add("x", 1);
        s.add("x", 2);
        assertThat(s.median("x")).isEqualTo(2);
        assertThat(Samples.median(List.of(1.0, 2.0, 3.0, 10.0))).isEqualTo(2.5);
    }

    private static final class XYChartFixture {
        final org.knowm.xchart.XYChart chart = Charts.lines("t", "x", "y");

        XYChartFixture() {
            Charts.series(chart, "s", List.of(1.0, 2.0), List.of(1.0, 2.0));
        }
    }
}
