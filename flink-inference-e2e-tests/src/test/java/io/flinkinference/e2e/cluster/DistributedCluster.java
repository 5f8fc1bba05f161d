package io.flinkinference.e2e.cluster;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A JUnit 5 extension: a real Flink cluster of separate JVMs ({@link FlinkProcessCluster}) with one
 * sidecar JVM per TaskManager ({@link SidecarFleet}), started once per test class and stopped after
 * it, on loopback only.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final DistributedCluster CLUSTER = new DistributedCluster(2);
 *
 * @Test
 * void runs() throws Exception {
 *     String job = CLUSTER.submit(List.of("--records", "100", "--output", dir.toString()));
 *     assertThat(CLUSTER.rest().awaitTerminal(job, Duration.ofMinutes(1))).isEqualTo("FINISHED");
 * }
 * }</pre>
 *
 * <p>Everything it starts is stopped in {@code afterAll}, also when a test failed; processes that
 * survive even that are killed by {@link ManagedProcess}'s shutdown hook. Where things live: {@code
 * target/e2e/<test class>/} (config dirs, logs, checkpoints, job outputs).
 *
 * <p>Configuration (Maven sets these system properties): {@code e2e.flink.classpath.file}, {@code
 * e2e.sidecar.classpath.file}, {@code e2e.sidecar.log4j}, {@code e2e.job.jar}, {@code
 * e2e.work.dir}.
 */
public final class DistributedCluster implements BeforeAllCallback, AfterAllCallback {

    private static final Logger LOG = LoggerFactory.getLogger(DistributedCluster.class);

    /** The job's main class in the job jar. */
    public static final String JOB_CLASS = "io.flinkinference.e2e.job.FaultInjectionJob";

    private final int taskManagers;
    private final int slotsPerTaskManager;
    private final Map<String, String> sidecarOptions;

    private Path workDir;
    private SidecarFleet sidecars;
    private FlinkProcessCluster flink;
    private String jarId;
    private int outputs;

    public DistributedCluster(int taskManagers) {
        this(taskManagers, 2, Map.of());
    }

    public DistributedCluster(
            int taskManagers, int slotsPerTaskManager, Map<String, String> sidecarOptions) {
        this.taskManagers = taskManagers;
        this.slotsPerTaskManager = slotsPerTaskManager;
        this.sidecarOptions = Map.copyOf(sidecarOptions);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        String name = context.getRequiredTestClass().getSimpleName();
        Path base = Path.of(System.getProperty("e2e.work.dir", "target/e2e"));
        start(base.resolve(name));
    }

    /** Starts sidecars and cluster under {@code workDir}; also for use outside JUnit. */
    public void start(Path dir) throws IOException {
        workDir = dir.toAbsolutePath();
        deleteRecursively(workDir);
        Files.createDirectories(workDir);
        long t0 = System.nanoTime();
        try {
            sidecars =
                    new SidecarFleet(
                            workDir,
                            testClassesDir()
                                    + java.io.File.pathSeparator
                                    + snapshotOwnJars(
                                            FlinkProcessCluster.readClasspathFile(
                                                    "e2e.sidecar.classpath.file"),
                                            workDir.resolve("lib")),
                            System.getProperty("e2e.sidecar.log4j"),
                            taskManagers);
            flink =
                    new FlinkProcessCluster(
                            workDir,
                            FlinkProcessCluster.readClasspathFile("e2e.flink.classpath.file"),
                            sidecars.endpoints(),
                            slotsPerTaskManager,
                            Map.of());
            flink.start(Duration.ofMinutes(2));
            sidecars.restartAll(sidecarOptions, Duration.ofMinutes(1));
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
        LOG.info(
                "cluster of {} TaskManagers + {} sidecars up in {} ms: {}",
                taskManagers,
                taskManagers,
                (System.nanoTime() - t0) / 1_000_000,
                flink.webUrl());
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }

    /** Cancels running jobs, then stops every sidecar, TaskManager and the JobManager. */
    public void close() {
        if (flink != null) {
            try {
                for (String job : flink.rest().activeJobs()) {
                    flink.rest().cancel(job);
                }
            } catch (IOException | RuntimeException e) {
                // the JobManager may be gone; the processes are stopped anyway
            }
            flink.close();
        }
        if (sidecars != null) {
            sidecars.close();
        }
    }

    public FlinkProcessCluster flink() {
        return flink;
    }

    public SidecarFleet sidecars() {
        return sidecars;
    }

    public FlinkRest rest() {
        return flink.rest();
    }

    public Path workDir() {
        return workDir;
    }

    /** A fresh, empty directory for one job's output. */
    public Path newOutputDir(String name) throws IOException {
        Path dir = workDir.resolve("output/" + name + "-" + (++outputs));
        Files.createDirectories(dir);
        return dir;
    }

    /** Uploads the job jar (once) and runs {@link #JOB_CLASS} with {@code args}; the job id. */
    public String submit(List<String> args, int parallelism) throws IOException {
        if (jarId == null) {
            jarId = rest().uploadJar(Path.of(System.getProperty("e2e.job.jar")));
        }
        return rest().runJar(jarId, JOB_CLASS, new ArrayList<>(args), parallelism);
    }

    /**
     * Brings the cluster back to its starting shape (every TaskManager registered, no job running,
     * every sidecar running with {@code options}), e.g. after a test that killed something.
     */
    public void reset(Map<String, String> options) throws IOException {
        for (String job : rest().activeJobs()) {
            rest().cancel(job);
            rest().awaitTerminal(job, Duration.ofSeconds(60));
        }
        List<Integer> restarted = new ArrayList<>();
        for (int i = 0; i < flink.taskManagerCount(); i++) {
            if (!flink.taskManager(i).isAlive()) {
                flink.startTaskManager(i);
                restarted.add(i);
            }
        }
        flink.awaitTaskManagers(flink.taskManagerCount(), Duration.ofMinutes(1));
        for (int i : restarted) {
            // The tests read metrics through the REST API: wait until the JobManager fetches the
            // restarted TaskManager's metrics too.
            String id = FlinkProcessCluster.resourceId(i);
            Deadline.of(Duration.ofMinutes(1))
                    .await(
                            "metrics of the restarted " + id + " in the REST API",
                            () ->
                                    rest().get(
                                                            "/taskmanagers/"
                                                                    + id
                                                                    + "/metrics?get=Status.JVM.CPU.Load")
                                                    .size()
                                            > 0);
        }
        sidecars.restartAll(options, Duration.ofMinutes(1));
    }

    /**
     * Copies this project's own jars on {@code classpath} into {@code dir} and returns the
     * classpath with the copies: a running sidecar must not see its jar replaced under it by a
     * concurrent {@code mvn install} of the sidecar module (its classes load lazily).
     */
    private static String snapshotOwnJars(String classpath, Path dir) throws IOException {
        Files.createDirectories(dir);
        List<String> entries = new ArrayList<>();
        for (String entry : classpath.split(java.io.File.pathSeparator)) {
            Path path = Path.of(entry);
            String file = path.getFileName().toString();
            boolean own =
                    file.startsWith("flink-async-batch")
                            || file.startsWith("flink-gpu-sidecar")
                            || file.startsWith("flink-inference");
            if (own && file.endsWith(".jar") && Files.isRegularFile(path)) {
                Path copy = dir.resolve(path.getFileName());
                Files.copy(path, copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                entries.add(copy.toString());
            } else {
                entries.add(entry);
            }
        }
        return String.join(java.io.File.pathSeparator, entries);
    }

    private static String testClassesDir() {
        // This class is in target/test-classes, next to the test-only sidecar backends.
        try {
            return Path.of(
                            DistributedCluster.class
                                    .getProtectionDomain()
                                    .getCodeSource()
                                    .getLocation()
                                    .toURI())
                    .toString();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
