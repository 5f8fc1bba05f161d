package io.flinkinference.e2e.cluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * One JVM the fixture started, with its output in a log file.
 *
 * <p>Every live process is also in a JVM-wide registry that a shutdown hook drains (SIGKILL), so
 * that no process outlives the test JVM even when a test, or the fixture's own cleanup, fails.
 *
 * <p>Thread-safe.
 */
public final class ManagedProcess {

    private static final Set<ManagedProcess> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime()
                .addShutdownHook(
                        new Thread(
                                () -> LIVE.forEach(p -> p.process.destroyForcibly()),
                                "e2e-process-reaper"));
    }

    private final String name;
    private final Process process;
    private final Path logFile;

    private ManagedProcess(String name, Process process, Path logFile) {
        this.name = name;
        this.process = process;
        this.logFile = logFile;
    }

    /** Starts {@code command} with stdout and stderr appended to {@code logFile}. */
    public static ManagedProcess start(
            String name,
            List<String> command,
            Path logFile,
            Path workingDir,
            java.util.Map<String, String> env)
            throws IOException {
        Files.createDirectories(logFile.getParent());
        ProcessBuilder builder =
                new ProcessBuilder(command)
                        .directory(workingDir.toFile())
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        builder.environment().putAll(env);
        ManagedProcess managed = new ManagedProcess(name, builder.start(), logFile);
        LIVE.add(managed);
        managed.process.onExit().thenRun(() -> LIVE.remove(managed));
        return managed;
    }

    /**
     * Leaves every process started so far running after this JVM exits (for {@code bin/cluster
     * start}, which stops them later by pid).
     */
    public static void detachAll() {
        LIVE.clear();
    }

    public String name() {
        return name;
    }

    public long pid() {
        return process.pid();
    }

    public Path logFile() {
        return logFile;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** SIGKILL, as {@code kill -9}: no shutdown hooks, no cleanup. Returns once it is dead. */
    public void kill9() {
        process.destroyForcibly();
        waitForExit(Duration.ofSeconds(30));
    }

    /** SIGTERM, then SIGKILL if it has not exited within {@code grace}. */
    public void stop(Duration grace) {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        if (!waitForExit(grace)) {
            kill9();
        }
    }

    private boolean waitForExit(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The log's content so far ("" if unreadable). */
    public String log() {
        try {
            return Files.readString(logFile);
        } catch (IOException e) {
            return "";
        }
    }

    /**
     * Polls the log until it contains {@code text}.
     *
     * @throws IllegalStateException naming the process when it exits first or the deadline passes
     */
    public void awaitLogLine(String text, Duration timeout) {
        Deadline.of(timeout)
                .await(
                        "'" + text + "' in the log of " + name + " (" + logFile + ")",
                        () -> {
                            if (log().contains(text)) {
                                return true;
                            }
                            if (!process.isAlive()) {
                                throw new IllegalStateException(
                                        name
                                                + " exited with "
                                                + process.exitValue()
                                                + " before logging '"
                                                + text
                                                + "'; see "
                                                + logFile);
                            }
                            return false;
                        });
    }

    @Override
    public String toString() {
        return name + " (pid " + process.pid() + ")";
    }
}
