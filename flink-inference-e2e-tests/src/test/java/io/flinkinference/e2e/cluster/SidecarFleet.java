package io.flinkinference.e2e.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One sidecar JVM per TaskManager, each on its own fixed loopback port (so that a restarted sidecar
 * is found where its TaskManager's {@code sidecar.client.endpoint} points).
 *
 * <p>The command is the one {@code bin/sidecar} execs ({@code java <opens> -cp <sidecar classpath>
 * io.flinkinference.sidecar.SidecarMain -Dkey=value ...}), with this module's test classes on the
 * classpath so that the test-only backends are found by ServiceLoader. A sidecar is ready when it
 * logs {@code sidecar listening on}.
 *
 * <p>Thread-safety: for one test thread.
 */
public final class SidecarFleet implements AutoCloseable {

    private final Path workDir;
    private final String classpath;
    private final String log4jConfig;
    private final List<Integer> ports = new ArrayList<>();
    private final List<ManagedProcess> processes = new ArrayList<>();
    private final List<Map<String, String>> options = new ArrayList<>();
    private int starts;

    public SidecarFleet(Path workDir, String classpath, String log4jConfig, int count) {
        this.workDir = workDir.toAbsolutePath();
        this.classpath = classpath;
        this.log4jConfig = log4jConfig;
        for (int i = 0; i < count; i++) {
            ports.add(FreePorts.next());
            processes.add(null);
            options.add(Map.of());
        }
    }

    public int size() {
        return ports.size();
    }

    public String endpoint(int index) {
        return "127.0.0.1:" + ports.get(index);
    }

    public List<String> endpoints() {
        List<String> all = new ArrayList<>();
        for (int i = 0; i < ports.size(); i++) {
            all.add(endpoint(i));
        }
        return all;
    }

    public ManagedProcess process(int index) {
        return processes.get(index);
    }

    /** (Re)starts every sidecar with these {@code sidecar.*} options and waits until all listen. */
    public void restartAll(Map<String, String> sidecarOptions, Duration timeout) {
        for (int i = 0; i < size(); i++) {
            stop(i);
        }
        for (int i = 0; i < size(); i++) {
            options.set(i, Map.copyOf(sidecarOptions));
            launch(i);
        }
        for (int i = 0; i < size(); i++) {
            processes.get(i).awaitLogLine("sidecar listening on", timeout);
        }
    }

    /** kill -9 of sidecar {@code index}; returns once it is dead. */
    public ManagedProcess kill9(int index) {
        ManagedProcess sidecar = processes.get(index);
        sidecar.kill9();
        return sidecar;
    }

    /** Starts sidecar {@code index} again, with its last options, and waits until it listens. */
    public ManagedProcess start(int index, Duration timeout) {
        launch(index);
        ManagedProcess sidecar = processes.get(index);
        sidecar.awaitLogLine("sidecar listening on", timeout);
        return sidecar;
    }

    /** SIGTERM (graceful) of sidecar {@code index}. */
    public void stop(int index) {
        ManagedProcess sidecar = processes.get(index);
        if (sidecar != null) {
            sidecar.stop(Duration.ofSeconds(15));
        }
    }

    private void launch(int index) {
        ManagedProcess old = processes.get(index);
        if (old != null && old.isAlive()) {
            throw new IllegalStateException(old + " is still running");
        }
        Map<String, String> all = new LinkedHashMap<>();
        all.put("sidecar.rpc.endpoint", endpoint(index));
        all.putAll(options.get(index));
        List<String> command = new ArrayList<>();
        command.add(FlinkProcessCluster.javaBinary());
        command.add("-Xmx256m");
        command.add("-XX:+UseSerialGC");
        command.add("-XX:TieredStopAtLevel=1");
        command.addAll(FlinkProcessCluster.JAVA_OPTS);
        command.add("-Dlog4j2.configurationFile=" + log4jConfig);
        command.add("-cp");
        command.add(classpath);
        command.add("io.flinkinference.sidecar.SidecarMain");
        all.forEach((k, v) -> command.add("-D" + k + "=" + v));
        int start = ++starts;
        try {
            processes.set(
                    index,
                    ManagedProcess.start(
                            "sidecar-" + index + "#" + start,
                            command,
                            // One log per start, so that readiness is read from this start's log.
                            workDir.resolve("log/sidecar-" + index + "." + start + ".out"),
                            workDir,
                            Map.of()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        for (int i = 0; i < size(); i++) {
            stop(i);
        }
    }
}
