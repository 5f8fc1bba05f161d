package io.flinkinference.e2e.cluster;

import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A Flink standalone session cluster of separate JVMs on 127.0.0.1: one JobManager ({@code
 * StandaloneSessionClusterEntrypoint}) and {@code n} TaskManagers ({@code TaskManagerRunner}), each
 * with its own config dir ({@code config.yaml} + {@code log4j.properties}), log file and free
 * ports, launched the way Flink's {@code bin/jobmanager.sh} / {@code bin/taskmanager.sh} do: the
 * JVM memory flags and the derived memory settings come from {@code BashJavaUtils
 * GET_JM_RESOURCE_PARAMS / GET_TM_RESOURCE_PARAMS}.
 *
 * <p>Readiness is read from the REST API ({@code /overview}: every TaskManager registered), never
 * waited for by sleeping. TaskManager {@code i} has resource id {@code tm-i}, and its config sets
 * {@code sidecar.client.endpoint} to the sidecar given for it, so a job's function can find "its"
 * sidecar.
 *
 * <p>{@link #close()} stops every process it started (SIGTERM, then SIGKILL); {@link
 * ManagedProcess}'s shutdown hook is the last resort.
 */
public final class FlinkProcessCluster implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(FlinkProcessCluster.class);

    /** The JDK 17 flags Flink's own config.yaml sets in env.java.opts.all. */
    public static final List<String> JAVA_OPTS =
            List.of(
                    "--add-exports=java.base/sun.net.util=ALL-UNNAMED",
                    "--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED",
                    "--add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED",
                    "--add-opens=java.base/java.lang=ALL-UNNAMED",
                    "--add-opens=java.base/java.net=ALL-UNNAMED",
                    "--add-opens=java.base/java.io=ALL-UNNAMED",
                    "--add-opens=java.base/java.nio=ALL-UNNAMED",
                    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
                    "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
                    "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED",
                    "--add-opens=java.base/java.text=ALL-UNNAMED",
                    "--add-opens=java.base/java.time=ALL-UNNAMED",
                    "--add-opens=java.base/java.util=ALL-UNNAMED",
                    "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
                    "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
                    "--add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED",
                    // Small machines: quick start-up, little CPU spent on the JIT and the GC.
                    "-XX:+UseSerialGC",
                    "-XX:TieredStopAtLevel=1");

    private static final String LOG4J =
            String.join(
                    "\n",
                    "rootLogger.level = INFO",
                    "rootLogger.appenderRef.file.ref = MainAppender",
                    "appender.main.name = MainAppender",
                    "appender.main.type = File",
                    "appender.main.append = true",
                    "appender.main.fileName = ${sys:log.file}",
                    "appender.main.layout.type = PatternLayout",
                    "appender.main.layout.pattern = %d{HH:mm:ss,SSS} %-5p %-60c %x - %m%n",
                    "logger.pekko.name = org.apache.pekko",
                    "logger.pekko.level = WARN",
                    "logger.netty.name = org.apache.flink.shaded.netty4",
                    "logger.netty.level = WARN",
                    "logger.grpc.name = io.grpc",
                    "logger.grpc.level = WARN",
                    "");

    private final Path workDir;
    private final String classpath;
    private final List<String> sidecarEndpoints;
    private final Map<String, String> extraConfig;
    private final int slotsPerTaskManager;

    private final int restPort = FreePorts.next();
    private final int jmRpcPort = FreePorts.next();
    private final int blobPort = FreePorts.next();
    private final FlinkRest rest;

    private ManagedProcess jobManager;
    private final List<ManagedProcess> taskManagers = new ArrayList<>();
    private List<String> tmJvmArgs;
    private List<String> tmDynamicArgs;
    private int tmStarts;

    /**
     * @param workDir holds every config dir, log, checkpoint and upload of the cluster
     * @param classpath the Flink jars ({@code target/flink-cluster.classpath})
     * @param sidecarEndpoints one {@code host:port} per TaskManager (so also their number)
     * @param extraConfig added to every process's config.yaml
     */
    public FlinkProcessCluster(
            Path workDir,
            String classpath,
            List<String> sidecarEndpoints,
            int slotsPerTaskManager,
            Map<String, String> extraConfig) {
        this.workDir = workDir.toAbsolutePath();
        this.classpath = classpath;
        this.sidecarEndpoints = List.copyOf(sidecarEndpoints);
        this.slotsPerTaskManager = slotsPerTaskManager;
        this.extraConfig = Map.copyOf(extraConfig);
        this.rest = new FlinkRest("http://127.0.0.1:" + restPort);
        for (int i = 0; i < sidecarEndpoints.size(); i++) {
            taskManagers.add(null);
        }
    }

    public FlinkRest rest() {
        return rest;
    }

    public String webUrl() {
        return rest.baseUrl();
    }

    public Path workDir() {
        return workDir;
    }

    public Path checkpointDir() {
        return workDir.resolve("checkpoints");
    }

    public int taskManagerCount() {
        return taskManagers.size();
    }

    public ManagedProcess jobManager() {
        return jobManager;
    }

    public ManagedProcess taskManager(int index) {
        return taskManagers.get(index);
    }

    /** TaskManager {@code i}'s resource id, as the REST API names it. */
    public static String resourceId(int index) {
        return "tm-" + index;
    }

    /** Starts the JobManager and every TaskManager; returns when all are registered. */
    public void start(Duration timeout) throws IOException {
        Files.createDirectories(workDir);
        Path jmConf = writeConfig("jobmanager", Map.of());
        List<String> jm = resourceParams("GET_JM_RESOURCE_PARAMS", jmConf);
        Path tm0Conf = writeConfig("taskmanager-0", taskManagerConfig(0));
        List<String> tm = resourceParams("GET_TM_RESOURCE_PARAMS", tm0Conf);
        tmJvmArgs = split(tm.get(0));
        tmDynamicArgs = split(tm.get(1));

        List<String> jmCommand =
                new ArrayList<>(javaCommand(split(jm.get(0)), jmConf, "jobmanager"));
        jmCommand.add("org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint");
        jmCommand.addAll(List.of("--configDir", jmConf.toString(), "--executionMode", "cluster"));
        jmCommand.addAll(split(jm.get(1)));
        jobManager =
                ManagedProcess.start(
                        "jobmanager",
                        jmCommand,
                        workDir.resolve("log/jobmanager.out"),
                        workDir,
                        Map.of("FLINK_CONF_DIR", jmConf.toString()));
        for (int i = 0; i < taskManagers.size(); i++) {
            startTaskManager(i);
        }
        awaitTaskManagers(taskManagers.size(), timeout);
        LOG.info("Flink cluster up: {} ({} TaskManagers)", webUrl(), taskManagers.size());
    }

    /** Starts TaskManager {@code index} (again, after a kill), without waiting for it. */
    public void startTaskManager(int index) throws IOException {
        ManagedProcess old = taskManagers.get(index);
        if (old != null && old.isAlive()) {
            throw new IllegalStateException(old + " is still running");
        }
        Path conf = writeConfig("taskmanager-" + index, taskManagerConfig(index));
        List<String> command =
                new ArrayList<>(javaCommand(tmJvmArgs, conf, "taskmanager-" + index));
        command.add("org.apache.flink.runtime.taskexecutor.TaskManagerRunner");
        command.addAll(List.of("--configDir", conf.toString()));
        command.addAll(tmDynamicArgs);
        taskManagers.set(
                index,
                ManagedProcess.start(
                        "taskmanager-" + index + "#" + (++tmStarts),
                        command,
                        workDir.resolve("log/taskmanager-" + index + ".out"),
                        workDir,
                        Map.of("FLINK_CONF_DIR", conf.toString())));
    }

    /** kill -9 of TaskManager {@code index}; returns once the process is gone. */
    public ManagedProcess killTaskManager(int index) {
        ManagedProcess tm = taskManagers.get(index);
        tm.kill9();
        return tm;
    }

    /** Polls /taskmanagers until exactly {@code count} live TaskManagers are registered. */
    public void awaitTaskManagers(int count, Duration timeout) {
        Deadline.of(timeout)
                .await(
                        count + " TaskManagers registered at " + webUrl(),
                        () -> {
                            if (!jobManager.isAlive()) {
                                throw new IllegalStateException(
                                        "the JobManager exited; see " + jobManager.logFile());
                            }
                            return registeredTaskManagers().size() == count;
                        });
    }

    /** Polls until TaskManager {@code tm-index} is registered (e.g. after a restart). */
    public void awaitTaskManagerRegistered(int index, Duration timeout) {
        Deadline.of(timeout)
                .await(
                        resourceId(index) + " registered",
                        () -> registeredTaskManagers().contains(resourceId(index)));
    }

    public List<String> registeredTaskManagers() throws IOException {
        List<String> ids = new ArrayList<>();
        for (JsonNode tm : rest.get("/taskmanagers").path("taskmanagers")) {
            ids.add(tm.path("id").asText());
        }
        return ids;
    }

    private Map<String, String> taskManagerConfig(int index) {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("taskmanager.resource-id", resourceId(index));
        config.put("taskmanager.host", "127.0.0.1");
        config.put("taskmanager.bind-host", "127.0.0.1");
        config.put("taskmanager.rpc.port", Integer.toString(FreePorts.next()));
        config.put("taskmanager.data.port", Integer.toString(FreePorts.next()));
        config.put("sidecar.client.endpoint", sidecarEndpoints.get(index));
        return config;
    }

    private Path writeConfig(String name, Map<String, String> own) throws IOException {
        Path dir = workDir.resolve("conf/" + name);
        Files.createDirectories(dir);
        Map<String, String> config = new LinkedHashMap<>();
        config.put("jobmanager.rpc.address", "127.0.0.1");
        config.put("jobmanager.rpc.port", Integer.toString(jmRpcPort));
        config.put("jobmanager.bind-host", "127.0.0.1");
        config.put("rest.address", "127.0.0.1");
        config.put("rest.bind-address", "127.0.0.1");
        config.put("rest.port", Integer.toString(restPort));
        config.put("blob.server.port", Integer.toString(blobPort));
        config.put("jobmanager.memory.process.size", "768m");
        config.put("taskmanager.memory.process.size", "1024m");
        config.put("taskmanager.memory.managed.size", "32m");
        config.put("taskmanager.numberOfTaskSlots", Integer.toString(slotsPerTaskManager));
        config.put("parallelism.default", "2");
        // Spread a job's subtasks over the TaskManagers, so that each uses its own sidecar.
        config.put("taskmanager.load-balance.mode", "SLOTS");
        config.put("restart-strategy.type", "fixed-delay");
        config.put("restart-strategy.fixed-delay.attempts", "10");
        config.put("restart-strategy.fixed-delay.delay", "1 s");
        // A killed TaskManager is noticed within seconds, not the default 50 s.
        config.put("heartbeat.interval", "1000");
        config.put("heartbeat.timeout", "5000");
        config.put("execution.checkpointing.dir", checkpointDir().toUri().toString());
        config.put("state.backend.type", "hashmap");
        config.put("web.upload.dir", workDir.resolve("upload").toString());
        config.put("web.tmpdir", workDir.resolve("tmp/web").toString());
        config.put("io.tmp.dirs", workDir.resolve("tmp/" + name).toString());
        // Network buffers sized to ~200 ms of throughput, so that a slow operator back-pressures
        // its source after a few hundred records (not after tens of thousands) and aligned
        // checkpoint barriers queue behind little data.
        config.put("taskmanager.network.memory.buffer-debloat.enabled", "true");
        config.put("taskmanager.network.memory.buffer-debloat.target", "200 ms");
        // Fresh metrics for the tests' REST polling (default: every 10 s).
        config.put("metrics.fetcher.update-interval", "500");
        config.put("pekko.ask.timeout", "30 s");
        config.putAll(extraConfig);
        config.putAll(own);
        for (String key : List.of("web.upload.dir", "web.tmpdir", "io.tmp.dirs")) {
            Files.createDirectories(Path.of(config.get(key)));
        }
        String yaml =
                config.entrySet().stream()
                        .map(e -> e.getKey() + ": " + quote(e.getValue()))
                        .collect(Collectors.joining("\n", "", "\n"));
        Files.writeString(dir.resolve("config.yaml"), yaml, StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("log4j.properties"), LOG4J, StandardCharsets.UTF_8);
        return dir;
    }

    private static String quote(String value) {
        return "'" + value.replace("'", "''") + "'";
    }

    private List<String> javaCommand(List<String> jvmArgs, Path confDir, String logName) {
        List<String> command = new ArrayList<>();
        command.add(javaBinary());
        command.addAll(jvmArgs);
        command.addAll(JAVA_OPTS);
        Path log = workDir.resolve("log/" + logName + ".log");
        command.add("-Dlog.file=" + log);
        command.add("-Dlog4j.configuration=file:" + confDir.resolve("log4j.properties"));
        command.add("-Dlog4j.configurationFile=file:" + confDir.resolve("log4j.properties"));
        command.add("-classpath");
        command.add(classpath);
        return command;
    }

    static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /**
     * Runs {@code BashJavaUtils <command> --configDir <dir>} as Flink's config.sh does and returns
     * its two result lines: the JVM flags and the dynamic ({@code -D key=value}) settings.
     */
    private List<String> resourceParams(String command, Path confDir) throws IOException {
        Path out = workDir.resolve("log/bash-java-utils-" + command + ".out");
        Files.createDirectories(out.getParent());
        Process process =
                new ProcessBuilder(
                                javaBinary(),
                                "-Xmx64m",
                                "-XX:TieredStopAtLevel=1",
                                "-classpath",
                                classpath,
                                "org.apache.flink.runtime.util.bash.BashJavaUtils",
                                command,
                                "--configDir",
                                confDir.toString())
                        .redirectErrorStream(true)
                        .redirectOutput(out.toFile())
                        .start();
        try {
            if (!process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException("BashJavaUtils " + command + " did not finish in 60 s");
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        List<String> results =
                Files.readAllLines(out).stream()
                        .filter(l -> l.startsWith("BASH_JAVA_UTILS_EXEC_RESULT:"))
                        .map(l -> l.substring("BASH_JAVA_UTILS_EXEC_RESULT:".length()).trim())
                        .collect(Collectors.toList());
        if (process.exitValue() != 0 || results.size() < 2) {
            throw new IOException("BashJavaUtils " + command + " failed: " + Files.readString(out));
        }
        return results.subList(results.size() - 2, results.size());
    }

    private static List<String> split(String line) {
        return Arrays.stream(line.trim().split("\\s+"))
                .filter(s -> !s.isEmpty())
                .collect(Collectors.toList());
    }

    /** Stops the TaskManagers, then the JobManager (SIGTERM, SIGKILL after 10 s). */
    @Override
    public void close() {
        for (ManagedProcess tm : taskManagers) {
            if (tm != null) {
                tm.stop(Duration.ofSeconds(10));
            }
        }
        if (jobManager != null) {
            jobManager.stop(Duration.ofSeconds(10));
        }
    }

    static String readClasspathFile(String property) {
        String file = System.getProperty(property);
        if (file == null) {
            throw new IllegalStateException(
                    "system property " + property + " is not set (run the tests with Maven)");
        }
        try {
            return Files.readString(Path.of(file)).trim();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
