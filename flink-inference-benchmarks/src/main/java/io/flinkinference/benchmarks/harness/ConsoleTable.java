package io.flinkinference.benchmarks.harness;

import java.io.PrintStream;
import java.util.List;

/** The table {@code bin/bench} prints on stdout. */
public final class ConsoleTable {

    private ConsoleTable() {}

    public static void print(PrintStream out, List<ScenarioResult> results) {
        for (ScenarioResult r : results) {
            out.printf("%n== %s: %s%n", r.name(), r.title());
            for (ScenarioResult.Figure f : r.figures()) {
                out.printf("  %-52s %s%n", f.label(), f.value());
            }
            if (!r.details().header().isEmpty()) {
                out.println();
                int[] widths = new int[r.details().header().size()];
                List<List<String>> all = new java.util.ArrayList<>();
                all.add(r.details().header());
                all.addAll(r.details().rows());
                for (List<String> cells : all) {
                    for (int i = 0; i < cells.size(); i++) {
                        widths[i] = Math.max(widths[i], cells.get(i).length());
                    }
                }
                all.forEach(cells -> printRow(out, cells, widths));
            }
            for (ScenarioResult.Check c : r.checks()) {
                out.printf(
                        "  [%s] %s: %s%n",
                        c.met() ? " met " : "MISSED", c.expectation(), c.measured());
            }
        }
        long missed =
                results.stream().flatMap(r -> r.checks().stream()).filter(c -> !c.met()).count();
        out.printf("%n%d expectation(s) missed%n", missed);
    }

    private static void printRow(PrintStream out, List<String> cells, int[] widths) {
        StringBuilder line = new StringBuilder(" ");
        for (int i = 0; i < cells.size(); i++) {
            line.append(' ').append(String.format("%-" + widths[i] + "s", cells.get(i)));
        }
        out.println(line.toString().stripTrailing());
    }
}
