package io.flinkinference.benchmarks.harness;

import java.io.PrintStream;
import java.time.Duration;

/** A one-line progress bar on stderr: overall steps done, the current step, elapsed time. */
public final class Progress {

    private static final int WIDTH = 30;

    private final PrintStream out;
    private final int total;
    private final long startNanos = System.nanoTime();
    private int done;
    private String scenario = "";

    public Progress(PrintStream out, int total) {
        this.out = out;
        this.total = Math.max(1, total);
    }

    /** A progress that prints nothing (tests). */
    public static Progress silent() {
        return new Progress(new PrintStream(PrintStream.nullOutputStream()), 1);
    }

    public synchronized void scenario(String name) {
        this.scenario = name;
        draw("starting");
    }

    /** Marks the start of one step of the current scenario. */
    public synchronized void step(String label) {
        draw(label);
        done = Math.min(total, done + 1);
    }

    public synchronized void finish() {
        done = total;
        draw("done");
        out.println();
        out.flush();
    }

    private void draw(String label) {
        int filled = (int) Math.round((double) WIDTH * done / total);
        long secs = Duration.ofNanos(System.nanoTime() - startNanos).toSeconds();
        String line =
                String.format(
                        "\r[%s%s] %3d%% %dm%02ds %s: %s",
                        "#".repeat(filled),
                        "-".repeat(WIDTH - filled),
                        100 * done / total,
                        secs / 60,
                        secs % 60,
                        scenario,
                        label);
        out.print(String.format("%-110s", line));
        out.flush();
    }
}
