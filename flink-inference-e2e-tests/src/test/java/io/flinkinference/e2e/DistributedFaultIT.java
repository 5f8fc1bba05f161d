package io.flinkinference.e2e;

import io.flinkinference.e2e.backend.StallingBackendFactory;
import io.flinkinference.e2e.cluster.Deadline;
import io.flinkinference.e2e.cluster.DistributedCluster;
import io.flinkinference.e2e.cluster.FlinkProcessCluster;
import io.flinkinference.e2e.cluster.FlinkRest;
import io.flinkinference.e2e.cluster.ManagedProcess;
import io.flinkinference.e2e.job.E2eRecords;
import io.flinkinference.e2e.job.FaultInjectionJob;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fault injection on a real distributed deployment: a Flink standalone cluster of separate JVMs
 * (one JobManager, two TaskManagers with two slots each) and one sidecar JVM per TaskManager, all
 * on 127.0.0.1, started once for the class ({@link DistributedCluster}). Every test submits {@link
 * FaultInjectionJob} as a fat jar over the REST API, injects one fault, and checks the committed
 * output with {@link CommittedOutput} (exactly-once: every input index exactly once). Each test
 * prints what it injected and what it verified, and is bounded by a timeout; the cluster is put
 * back into its starting shape at the start of every test.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DistributedFaultIT {

    /** Mock backend with a little latency, so that a job runs for a few seconds. */
    private static final Map<String, String> MOCK =
            Map.of("sidecar.backend", "mock", "sidecar.mock.latency.fixed", "2 ms");

    @RegisterExtension static final DistributedCluster CLUSTER = new DistributedCluster(2);

    private static final Duration JOB_TIMEOUT = Duration.ofMinutes(2);

    // ------------------------------------------------------------------ 1

    @Test
    @Order(5) // last: the others need no TaskManager restart before them
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void taskManagerKilledMidStream() throws Exception {
        CLUSTER.reset(MOCK);
        long records = 2000;
        Path out = CLUSTER.newOutputDir("tm-kill");
        long t0 = System.nanoTime();
        String job =
                CLUSTER.submit(
                        args(records, out, "--rate", "200", "--checkpoint-interval-ms", "300"), 2);
        FlinkRest rest = CLUSTER.rest();
        rest.awaitAllTasksRunning(job, Duration.ofMinutes(1));
        String vertex = rest.vertex(job, FaultInjectionJob.OPERATOR_NAME);
        awaitCommitted(out, 200);
        int checkpointsBefore = rest.completedCheckpoints(job);
        long committedBefore = CommittedOutput.committedLines(out);
        List<String> tms = rest.taskManagersOf(job, vertex);
        int victim = tms.contains(FlinkProcessCluster.resourceId(0)) ? 0 : 1;
        ManagedProcess killed = CLUSTER.flink().killTaskManager(victim);
        print(
                "1 TM kill",
                "injected: kill -9 %s (pid %d) while the job ran on %s; %d lines committed, %d"
                        + " checkpoints completed before",
                killed.name(),
                killed.pid(),
                tms,
                committedBefore,
                checkpointsBefore);

        String state = rest.awaitTerminal(job, JOB_TIMEOUT);
        long restarts = rest.numRestarts(job);
        CommittedOutput result = CommittedOutput.read(out, records);
        print(
                "1 TM kill",
                "verified: job %s after %d restart(s), ended on %s, %d checkpoints; %s; %.1f s",
                state,
                restarts,
                rest.taskManagersOf(job, vertex),
                rest.completedCheckpoints(job),
                result,
                seconds(t0));
        assertThat(state).isEqualTo("FINISHED");
        assertThat(restarts).isGreaterThanOrEqualTo(1);
        assertThat(result.exactlyOnce()).as(result.toString()).isTrue();
        assertThat(result.status(E2eRecords.OK)).isEqualTo(records);
    }

    // ------------------------------------------------------------------ 2

    @Test
    @Order(1)
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void sidecarKilledAndRestartedMidStream() throws Exception {
        CLUSTER.reset(MOCK);
        long records = 2000;
        Path out = CLUSTER.newOutputDir("sidecar-kill");
        long t0 = System.nanoTime();
        String job = CLUSTER.submit(args(records, out, "--rate", "200"), 2);
        FlinkRest rest = CLUSTER.rest();
        rest.awaitAllTasksRunning(job, Duration.ofMinutes(1));
        String vertex = rest.vertex(job, FaultInjectionJob.OPERATOR_NAME);
        awaitCommitted(out, 200);
        long committedBefore = CommittedOutput.committedLines(out);
        ManagedProcess killed = CLUSTER.sidecars().kill9(0);
        long down = System.nanoTime();
        ManagedProcess restarted = CLUSTER.sidecars().start(0, Duration.ofMinutes(1));
        print(
                "2 sidecar kill",
                "injected: kill -9 %s (pid %d) after %d lines committed; restarted as pid %d,"
                        + " listening again after %.1f s",
                killed.name(),
                killed.pid(),
                committedBefore,
                restarted.pid(),
                seconds(down));

        String state = rest.awaitTerminal(job, JOB_TIMEOUT);
        long restarts = rest.numRestarts(job);
        CommittedOutput result = CommittedOutput.read(out, records);
        String tmLog = Files.readString(CLUSTER.workDir().resolve("log/taskmanager-0.log"));
        long broke =
                count(tmLog, "the Infer stream to " + CLUSTER.sidecars().endpoint(0) + " broke");
        long back =
                count(
                        tmLog,
                        "the Infer stream to " + CLUSTER.sidecars().endpoint(0) + " works again");
        print(
                "2 sidecar kill",
                "verified: job %s, %d restart(s); client on tm-0: stream broke %d time(s), worked"
                        + " again %d time(s) (metrics: reconnects=%.0f resends=%.0f); %s; %.1f s",
                state,
                restarts,
                broke,
                back,
                metric(job, vertex, "reconnects"),
                metric(job, vertex, "resends"),
                result,
                seconds(t0));
        assertThat(broke).isPositive();
        assertThat(back).isPositive();
        assertThat(state).isEqualTo("FINISHED");
        assertThat(restarts).isZero();
        assertThat(result.exactlyOnce()).as(result.toString()).isTrue();
        assertThat(result.status(E2eRecords.OK)).isEqualTo(records);
        assertEachTaskManagerUsedItsOwnSidecar();
    }

    // ------------------------------------------------------------------ 3

    @Test
    @Order(2)
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void sidecarStallsPastTheOperatorTimeout() throws Exception {
        Path marker = CLUSTER.workDir().resolve("stall-marker");
        Files.deleteIfExists(marker);
        CLUSTER.reset(
                Map.of(
                        "sidecar.backend",
                        StallingBackendFactory.NAME,
                        StallingBackendFactory.MARKER_FILE.key(),
                        marker.toString(),
                        "sidecar.queue.max-wait",
                        "30 s"));
        long records = 600;
        FlinkRest rest = CLUSTER.rest();
        long t0 = System.nanoTime();
        // A: timeout 2 s, the timeout handler emits a fallback per record.
        Path outA = CLUSTER.newOutputDir("stall-timeout");
        String jobA =
                CLUSTER.submit(
                        args(
                                records,
                                outA,
                                "--rate",
                                "100",
                                "--timeout-ms",
                                "2000",
                                "--fallback-on-timeout",
                                "true",
                                "--job-name",
                                "stall: timeout fallback"),
                        2);
        // B: timeout 60 s; the sidecar expires queued requests after 1 s (DEADLINE_EXCEEDED) and
        // the operator's retry strategy sends them again until the stall is over.
        Path outB = CLUSTER.newOutputDir("stall-retry");
        String jobB =
                CLUSTER.submit(
                        args(
                                records,
                                outB,
                                "--rate",
                                "100",
                                "--timeout-ms",
                                "60000",
                                "--request-timeout-ms",
                                "1000",
                                "--retry-attempts",
                                "100",
                                "--retry-delay-ms",
                                "300",
                                "--job-name",
                                "stall: retry"),
                        2);
        rest.awaitAllTasksRunning(jobA, Duration.ofMinutes(1));
        rest.awaitAllTasksRunning(jobB, Duration.ofMinutes(1));
        String vertexA = rest.vertex(jobA, FaultInjectionJob.OPERATOR_NAME);
        String vertexB = rest.vertex(jobB, FaultInjectionJob.OPERATOR_NAME);
        awaitCommitted(outA, 50);
        awaitCommitted(outB, 50);

        Files.createFile(marker);
        long stallStart = System.nanoTime();
        Deadline.of(Duration.ofSeconds(90))
                .await(
                        "a timed-out batch in job A, a retried batch in job B, and a stall longer"
                                + " than A's 2 s timeout",
                        () ->
                                metric(jobA, vertexA, "batchesTimedOut") > 0
                                        && metric(jobB, vertexB, "batchRetries") > 0
                                        && seconds(stallStart) > 2.5);
        Files.delete(marker);
        double stallSeconds = seconds(stallStart);
        print(
                "3 sidecar stall",
                "injected: every backend call of both sidecars blocked for %.1f s (past job A's"
                        + " 2 s timeout, until A had timed out a batch and B had retried one)",
                stallSeconds);

        String stateA = rest.awaitTerminal(jobA, JOB_TIMEOUT);
        String stateB = rest.awaitTerminal(jobB, JOB_TIMEOUT);
        CommittedOutput a = CommittedOutput.read(outA, records);
        CommittedOutput b = CommittedOutput.read(outB, records);
        print(
                "3 sidecar stall",
                "verified A (timeout 2 s, fallback): job %s, %d restart(s), batchesTimedOut=%.0f;"
                        + " %s",
                stateA,
                rest.numRestarts(jobA),
                metric(jobA, vertexA, "batchesTimedOut"),
                a);
        print(
                "3 sidecar stall",
                "verified B (retry strategy): job %s, %d restart(s), batchRetries=%.0f,"
                        + " batchesTimedOut=%.0f; %s; %.1f s",
                stateB,
                rest.numRestarts(jobB),
                metric(jobB, vertexB, "batchRetries"),
                metric(jobB, vertexB, "batchesTimedOut"),
                b,
                seconds(t0));
        assertThat(stateA).isEqualTo("FINISHED");
        assertThat(a.exactlyOnce()).as(a.toString()).isTrue();
        assertThat(a.status(E2eRecords.TIMEOUT)).isPositive();
        assertThat(a.status(E2eRecords.OK) + a.status(E2eRecords.TIMEOUT)).isEqualTo(records);
        assertThat(stateB).isEqualTo("FINISHED");
        assertThat(rest.numRestarts(jobB)).isZero();
        assertThat(b.exactlyOnce()).as(b.toString()).isTrue();
        assertThat(b.status(E2eRecords.OK)).isEqualTo(records);
    }

    // ------------------------------------------------------------------ 4

    @Test
    @Order(3)
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void sustainedOverloadBackpressuresButCheckpointsComplete() throws Exception {
        // A sidecar that takes at most 4 items per 30 ms and queues at most 4 (about 130 items/s),
        // fed at 1000 records/s: sustained overload.
        CLUSTER.reset(
                Map.of(
                        "sidecar.backend", "mock",
                        "sidecar.mock.latency.fixed", "30 ms",
                        "sidecar.queue.max-length", "4",
                        "sidecar.batch.max-size", "4",
                        "sidecar.backend.workers", "1"));
        long records = 3000;
        Path out = CLUSTER.newOutputDir("overload");
        long t0 = System.nanoTime();
        String job =
                CLUSTER.submit(
                        args(
                                records,
                                out,
                                "--rate",
                                "1000",
                                "--batch-size",
                                "8",
                                "--in-flight",
                                "4",
                                "--split-source",
                                "true",
                                "--checkpoint-interval-ms",
                                "500"),
                        2);
        FlinkRest rest = CLUSTER.rest();
        rest.awaitAllTasksRunning(job, Duration.ofMinutes(1));
        String source = rest.vertex(job, "Source");
        String operator = rest.vertex(job, FaultInjectionJob.OPERATOR_NAME);
        double[] ratio = {-1};
        Deadline.of(Duration.ofSeconds(60))
                .await(
                        "the source to be back-pressured",
                        () -> {
                            ratio[0] = Math.max(ratio[0], rest.backpressureRatio(job, source));
                            return ratio[0] >= 0.5;
                        });
        int checkpointsAtBackpressure = rest.completedCheckpoints(job);
        int failedAtBackpressure = failedCheckpoints(job);
        print(
                "4 overload",
                "injected: 1000 records/s into sidecars with queue 4, 1 worker, 30 ms per batch"
                        + " of <= 4; source back-pressured (ratio %.2f) with %d checkpoints done",
                ratio[0],
                checkpointsAtBackpressure);
        // While still overloaded, checkpoints keep completing.
        Deadline.of(Duration.ofSeconds(60))
                .await(
                        "3 more checkpoints under backpressure",
                        () -> {
                            ratio[0] = Math.max(ratio[0], rest.backpressureRatio(job, source));
                            return rest.completedCheckpoints(job) >= checkpointsAtBackpressure + 3
                                    || !"RUNNING".equals(rest.jobState(job));
                        });
        int checkpointsUnderLoad = rest.completedCheckpoints(job) - checkpointsAtBackpressure;
        int failedUnderLoad = failedCheckpoints(job) - failedAtBackpressure;
        double rejected = metric(job, operator, "responsesError_RESOURCE_EXHAUSTED");

        String state = rest.awaitTerminal(job, JOB_TIMEOUT);
        CommittedOutput result = CommittedOutput.read(out, records);
        long restarts = rest.numRestarts(job);
        print(
                "4 overload",
                "verified: job %s, %d restart(s); max source backpressure ratio %.2f; %d"
                        + " checkpoints completed and %d failed under backpressure (%d completed"
                        + " in all, %d failed in all, incl. triggers before the tasks ran and"
                        + " after the source finished);"
                        + " RESOURCE_EXHAUSTED answers seen by the client so far=%.0f; %s; %.1f s",
                state,
                restarts,
                ratio[0],
                checkpointsUnderLoad,
                failedUnderLoad,
                rest.completedCheckpoints(job),
                failedCheckpoints(job),
                rejected,
                result,
                seconds(t0));
        assertThat(state).isEqualTo("FINISHED");
        assertThat(restarts).isZero();
        assertThat(ratio[0]).isGreaterThanOrEqualTo(0.5);
        // Printed, not asserted: a checkpoint triggered just as a source subtask finishes is
        // declined ("task is closing") by Flink, whatever the load.
        assertThat(checkpointsUnderLoad).isGreaterThanOrEqualTo(3);
        assertThat(result.exactlyOnce()).as(result.toString()).isTrue();
        assertThat(result.status(E2eRecords.OK)).isEqualTo(records);
    }

    // ------------------------------------------------------------------ 5

    @Test
    @Order(4)
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void badInputThroughTheWholePath() throws Exception {
        CLUSTER.reset(MOCK);
        long records = 1000;
        FlinkRest rest = CLUSTER.rest();
        long t0 = System.nanoTime();
        long[] sidecarPids = {
            CLUSTER.sidecars().process(0).pid(), CLUSTER.sidecars().process(1).pid()
        };
        Path bad = CLUSTER.newOutputDir("bad-input");
        String badJob =
                CLUSTER.submit(
                        args(
                                records,
                                bad,
                                "--rate",
                                "200",
                                "--bad-input",
                                "true",
                                "--batch-size",
                                "1",
                                "--in-flight",
                                "8",
                                "--errors-as-records",
                                "true",
                                "--fallback-on-timeout",
                                "true",
                                "--timeout-ms",
                                "20000",
                                "--reconnect-budget-ms",
                                "5000",
                                "--job-name",
                                "bad input"),
                        2);
        // A well-behaved job on the same sidecars at the same time (other streams).
        Path good = CLUSTER.newOutputDir("good-beside-bad");
        String goodJob =
                CLUSTER.submit(args(records, good, "--rate", "200", "--job-name", "good input"), 2);

        String badState = rest.awaitTerminal(badJob, JOB_TIMEOUT);
        String goodState = rest.awaitTerminal(goodJob, JOB_TIMEOUT);
        CommittedOutput b = CommittedOutput.read(bad, records);
        CommittedOutput g = CommittedOutput.read(good, records);
        long rejected = 0;
        long empty = 0;
        long oversized = 0;
        for (long i = 0; i < records; i++) {
            rejected += E2eRecords.isRejected(i) ? 1 : 0;
            empty += E2eRecords.isEmpty(i) ? 1 : 0;
            oversized += E2eRecords.isOversized(i) ? 1 : 0;
        }
        print(
                "5 bad input",
                "injected: %d payloads starting with FAIL, %d empty payloads, %d payloads of %d"
                        + " bytes (> 4 MiB sidecar.rpc.max-message-size) among %d records",
                rejected,
                empty,
                oversized,
                E2eRecords.OVERSIZED_BYTES,
                records);
        print(
                "5 bad input",
                "verified bad job: %s, %d restart(s); %s; rejected=%s empty=%s oversized=%s",
                badState,
                rest.numRestarts(badJob),
                b,
                statusesOf(b, records, E2eRecords::isRejected),
                statusesOf(b, records, E2eRecords::isEmpty),
                statusesOf(b, records, E2eRecords::isOversized));
        print(
                "5 bad input",
                "verified good job beside it: %s, %d restart(s); %s; sidecars never restarted:"
                        + " %s; %.1f s",
                goodState,
                rest.numRestarts(goodJob),
                g,
                CLUSTER.sidecars().process(0).pid() == sidecarPids[0]
                        && CLUSTER.sidecars().process(1).pid() == sidecarPids[1]
                        && CLUSTER.sidecars().process(0).isAlive()
                        && CLUSTER.sidecars().process(1).isAlive(),
                seconds(t0));
        assertThat(badState).isEqualTo("FINISHED");
        assertThat(rest.numRestarts(badJob)).isZero();
        assertThat(b.exactlyOnce()).as(b.toString()).isTrue();
        // An oversized request would end its whole stream (gRPC RESOURCE_EXHAUSTED,
        // docs/sidecar.md), failing every item on it. The client refuses such an item before
        // sending it (sidecar.client.max-request-size), so it is an ERROR line of its own and no
        // other record fails with the stream.
        String streamEnded = "SidecarUnavailableException(RESOURCE_EXHAUSTED)";
        long collateral = 0;
        for (long i = 0; i < records; i++) {
            String line = b.linesOf(i).get(0);
            String streamError = E2eRecords.line(i, E2eRecords.ERROR, streamEnded);
            if (E2eRecords.isOversized(i)) {
                assertThat(line).startsWith(E2eRecords.line(i, E2eRecords.ERROR, ""));
            } else if (line.equals(streamError)) {
                collateral++;
            } else if (E2eRecords.isRejected(i)) {
                assertThat(line).isEqualTo(E2eRecords.line(i, E2eRecords.ERROR, "INTERNAL"));
            } else if (E2eRecords.isEmpty(i)) {
                // The mock echoes an empty payload (output = input); a backend that validates
                // its input answers INVALID_ARGUMENT.
                assertThat(line)
                        .isIn(
                                E2eRecords.line(i, E2eRecords.OK),
                                E2eRecords.line(i, E2eRecords.ERROR, "INVALID_ARGUMENT"));
            } else {
                assertThat(line).isEqualTo(E2eRecords.line(i, E2eRecords.OK));
            }
        }
        print(
                "5 bad input",
                "verified: no TIMEOUT fallback needed (never a hang); %d other records failed"
                        + " with the oversized ones' stream",
                collateral);
        assertThat(collateral).as("records failed with an oversized item's stream").isZero();
        assertThat(b.status(E2eRecords.TIMEOUT)).isZero();
        assertThat(goodState).isEqualTo("FINISHED");
        assertThat(g.exactlyOnce()).as(g.toString()).isTrue();
        assertThat(g.status(E2eRecords.OK)).isEqualTo(records);
        assertThat(CLUSTER.sidecars().process(0).pid()).isEqualTo(sidecarPids[0]);
        assertThat(CLUSTER.sidecars().process(1).isAlive()).isTrue();
    }

    // ------------------------------------------------------------------ helpers

    private static List<String> args(long records, Path out, String... more) {
        List<String> args = new ArrayList<>();
        args.addAll(List.of("--records", Long.toString(records), "--output", out.toString()));
        args.addAll(List.of(more));
        return args;
    }

    /** Polls until at least {@code lines} result lines are committed (a checkpoint completed). */
    private static void awaitCommitted(Path out, long lines) {
        Deadline.of(Duration.ofSeconds(90))
                .await(
                        lines + " committed lines in " + out,
                        () -> CommittedOutput.committedLines(out) >= lines);
    }

    /** Sum over the operator's subtasks of one of its metrics (0 before it is reported). */
    private static double metric(String job, String vertex, String name) throws IOException {
        return Math.max(
                0,
                CLUSTER.rest()
                        .subtaskMetricSum(
                                job, vertex, FaultInjectionJob.OPERATOR_NAME + "." + name));
    }

    /**
     * Every subtask logs the endpoint it took from its TaskManager's config.yaml; each TaskManager
     * must name only its own sidecar.
     */
    private static void assertEachTaskManagerUsedItsOwnSidecar() throws IOException {
        java.util.regex.Pattern used =
                java.util.regex.Pattern.compile("calls the sidecar at (127\\.0\\.0\\.1:\\d+)");
        List<String> seen = new ArrayList<>();
        for (int i = 0; i < CLUSTER.flink().taskManagerCount(); i++) {
            Path log = CLUSTER.workDir().resolve("log/taskmanager-" + i + ".log");
            java.util.Set<String> endpoints = new java.util.TreeSet<>();
            java.util.regex.Matcher m = used.matcher(Files.readString(log));
            while (m.find()) {
                endpoints.add(m.group(1));
            }
            seen.add("tm-" + i + " -> " + endpoints);
            assertThat(endpoints).containsOnly(CLUSTER.sidecars().endpoint(i));
        }
        print("2 sidecar kill", "verified: each TaskManager called only its own sidecar: %s", seen);
    }

    private static long count(String text, String part) {
        long n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }

    private static int failedCheckpoints(String job) throws IOException {
        return CLUSTER.rest()
                .get("/jobs/" + job + "/checkpoints")
                .path("counts")
                .path("failed")
                .asInt();
    }

    private static Map<String, Long> statusesOf(
            CommittedOutput output, long records, java.util.function.LongPredicate which) {
        Map<String, Long> counts = new java.util.TreeMap<>();
        for (long i = 0; i < records; i++) {
            if (which.test(i)) {
                List<String> lines = output.linesOf(i);
                String status =
                        lines.isEmpty()
                                ? "LOST"
                                : lines.get(0).substring(lines.get(0).indexOf(',') + 1);
                counts.merge(status, 1L, Long::sum);
            }
        }
        return counts;
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    private static void print(String test, String format, Object... values) {
        System.out.println("[e2e " + test + "] " + String.format(format, values));
    }
}
