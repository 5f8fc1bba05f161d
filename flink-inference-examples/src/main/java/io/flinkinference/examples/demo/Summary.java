package io.flinkinference.examples.demo;

import io.flinkinference.examples.demo.SidecarHandle.SidecarCounter;

import org.apache.flink.util.ExceptionUtils;

import org.HdrHistogram.Histogram;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;

/**
 * The demo's end-of-run report. Every number is read from where it was counted (the sink, the
 * client's and the operator's Flink metrics, the embedded sidecar's metrics), and every claim is a
 * check that can fail.
 */
public final class Summary {

    private final long records;
    private final Duration elapsed;
    private final SidecarHandle sidecar;
    private final Throwable failure;
    private final List<String> checks = new ArrayList<>();
    private boolean allPassed = true;

    private final double rate;
    private final Workload<?> workload;

    public Summary(
            long records,
            double rate,
            Workload<?> workload,
            Duration elapsed,
            SidecarHandle sidecar,
            Throwable failure) {
        this.records = records;
        this.rate = rate;
        this.workload = workload;
        this.elapsed = elapsed;
        this.sidecar = sidecar;
        this.failure = failure;
    }

    public boolean allChecksPassed() {
        return allPassed;
    }

    public void print(PrintStream out) {
        long results = DemoStats.results();
        long distinct = DemoStats.distinct();
        long correct = DemoStats.correct();
        long duplicates = DemoStats.duplicates();
        double seconds = elapsed.toNanos() / 1e9;

        out.println();
        out.println("== summary ==");
        if (failure != null) {
            out.println("job FAILED: " + ExceptionUtils.stringifyException(rootOf(failure)));
        }
        out.printf(
                "records     sent %,d   answered %,d   distinct %,d   correct %,d   duplicates %,d%n",
                records, results, distinct, correct, duplicates);
        double answering = DemoStats.answeringNanos() / 1e9;
        out.printf(
                "throughput  %,.0f records/s from the first answer to the last (%.2f s);"
                        + " %,.0f records/s counting job start-up (%.2f s)%n",
                answering > 0 ? results / answering : 0.0, answering, results / seconds, seconds);

        long batches = MetricsCollector.sum("batchesSent");
        long[] sizes = MetricsCollector.histogramSamples("batchSize");
        long sampled = MetricsCollector.histogramCount("batchSize");
        out.printf(
                "batch size  %s  mean %.1f  (Flink operator: %,d batches%s)%n",
                percentiles(sizes, 1, ""),
                batches == 0 ? 0.0 : (double) results / batches,
                batches,
                sizes.length < sampled
                        ? String.format(", percentiles over the last %,d", sizes.length)
                        : "");
        Histogram latency = DemoStats.latencyMicros();
        out.printf(
                "latency     p50 %s  p90 %s  p99 %s  max %s  (generated -> checked in the sink,"
                        + " every record)%n",
                ms(latency.getValueAtPercentile(50)),
                ms(latency.getValueAtPercentile(90)),
                ms(latency.getValueAtPercentile(99)),
                ms(latency.getMaxValue()));
        if (rate <= 0) {
            out.println(
                    "            (--rate 0 sends as fast as possible, so latency includes waiting"
                            + " under backpressure; give --rate to measure at a set load)");
        }
        long[] inOperator = MetricsCollector.histogramSamples("recordLatencyMs");
        out.printf(
                "in operator %s  (arrival at the batch operator -> emitted; last %,d sampled)%n",
                percentiles(inOperator, 1, " ms"), inOperator.length);
        long[] roundTrips = MetricsCollector.histogramSamples("roundTripUs");
        out.printf(
                "round trip  %s  (one request, client -> sidecar -> client; last %,d sampled)%n",
                percentiles(roundTrips, 1000, " ms"), roundTrips.length);

        long sent = MetricsCollector.sum("requestsSent");
        long ok = MetricsCollector.sum("responsesOk");
        long exhausted = MetricsCollector.sum("responsesError_RESOURCE_EXHAUSTED");
        long expired = MetricsCollector.sum("responsesError_DEADLINE_EXCEEDED");
        long otherErrors = 0;
        for (String name : MetricsCollector.counterNames("responsesError_")) {
            if (!name.endsWith("_RESOURCE_EXHAUSTED") && !name.endsWith("_DEADLINE_EXCEEDED")) {
                otherErrors += MetricsCollector.sum(name);
            }
        }
        out.println();
        out.printf("%-36s %12s %12s%n", "counter (client / sidecar)", "client", "sidecar");
        row(out, "requestsSent / requestsReceived", sent, SidecarCounter.REQUESTS_RECEIVED);
        row(out, "responsesOk / requestsSucceeded", ok, SidecarCounter.REQUESTS_SUCCEEDED);
        row(
                out,
                "RESOURCE_EXHAUSTED / requestsRejected",
                exhausted,
                SidecarCounter.REQUESTS_REJECTED);
        row(out, "DEADLINE_EXCEEDED / requestsExpired", expired, SidecarCounter.REQUESTS_EXPIRED);
        row(out, "other errors / requestsFailed", otherErrors, SidecarCounter.REQUESTS_FAILED);
        row(out, "resends", MetricsCollector.sum("resends"), null);
        row(out, "reconnects", MetricsCollector.sum("reconnects"), null);
        row(out, "batches (operator / sidecar)", batches, SidecarCounter.BATCHES_EXECUTED);

        List<Runnable> workloadChecks = new ArrayList<>();
        workload.report(
                out, records, (passed, what) -> workloadChecks.add(() -> check(passed, what)));

        out.println();
        out.println("checks");
        check(failure == null, "the job finished without failing");
        check(
                results == records && distinct == records && duplicates == 0,
                String.format(
                        "every record answered exactly once (%,d answers, %,d distinct, of %,d)",
                        results, distinct, records));
        check(
                correct == results && results > 0,
                String.format("%s (%,d of %,d)", workload.correctness(), correct, results));
        check(
                ok == records,
                String.format("client responsesOk == records sent (%,d == %,d)", ok, records));
        equalToSidecar(
                "client requestsSent == sidecar requestsReceived",
                sent,
                SidecarCounter.REQUESTS_RECEIVED);
        equalToSidecar(
                "client responsesOk == sidecar requestsSucceeded",
                ok,
                SidecarCounter.REQUESTS_SUCCEEDED);
        equalToSidecar(
                "client responsesError_RESOURCE_EXHAUSTED == sidecar requestsRejected",
                exhausted,
                SidecarCounter.REQUESTS_REJECTED);
        workloadChecks.forEach(Runnable::run);
        checks.forEach(out::println);
        out.println(allPassed ? "all checks passed" : "SOME CHECKS FAILED");
    }

    private void row(PrintStream out, String label, long client, SidecarCounter counter) {
        OptionalLong side = counter == null ? OptionalLong.empty() : sidecar.counter(counter);
        out.printf(
                "%-36s %,12d %12s%n",
                label, client, side.isPresent() ? String.format("%,d", side.getAsLong()) : "-");
    }

    private void equalToSidecar(String what, long client, SidecarCounter counter) {
        OptionalLong side = sidecar.counter(counter);
        if (side.isEmpty()) {
            checks.add("  [n/a] " + what + " (external sidecar: counters not readable here)");
            return;
        }
        check(
                client == side.getAsLong(),
                String.format("%s (%,d == %,d)", what, client, side.getAsLong()));
    }

    private void check(boolean passed, String what) {
        allPassed &= passed;
        checks.add((passed ? "  [ok]   " : "  [FAIL] ") + what);
    }

    private static String percentiles(long[] samples, double divisor, String unit) {
        if (samples.length == 0) {
            return "(no samples)";
        }
        long[] sorted = samples.clone();
        Arrays.sort(sorted);
        return String.format(
                "p50 %s%s  p90 %s%s  p99 %s%s  max %s%s",
                fmt(at(sorted, 0.50) / divisor),
                unit,
                fmt(at(sorted, 0.90) / divisor),
                unit,
                fmt(at(sorted, 0.99) / divisor),
                unit,
                fmt(sorted[sorted.length - 1] / divisor),
                unit);
    }

    private static long at(long[] sorted, double quantile) {
        int index = (int) Math.ceil(quantile * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(index, sorted.length - 1))];
    }

    private static String fmt(double value) {
        return value == Math.rint(value)
                ? String.format("%.0f", value)
                : String.format("%.2f", value);
    }

    private static String ms(long micros) {
        return String.format("%.1f ms", micros / 1000.0);
    }

    private static Throwable rootOf(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root;
    }
}
