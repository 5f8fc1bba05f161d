package io.flinkinference.benchmarks.harness;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a measurement in a fresh JVM, as JMH forks do: with an instant function the JIT's profile of
 * the shared path (source, chaining outputs, sink) decides the figure, and a pipeline measured
 * after another in the same JVM inherits that one's profile. The child gets this JVM's class path
 * and flags (minus agents, so a profiler attached to the parent does not start twice) and reports
 * one value on a line of its standard output that starts with {@link #RESULT_PREFIX}.
 */
public final class ForkedJvm {

    /** The child prints {@code RESULT_PREFIX + value} on a line of its standard output. */
    public static final String RESULT_PREFIX = "forked-result: ";

    private static final List<String> NOT_INHERITED =
            List.of("-agentpath", "-agentlib", "-javaagent", "-XX:StartFlightRecording");

    /** Time allowed on top of the measurement for the JVM and its MiniCluster to start and stop. */
    private static final Duration START_AND_STOP_ALLOWANCE = Duration.ofSeconds(90);

    private ForkedJvm() {}

    /**
     * Runs {@code mainClass} with {@code args} in a fresh JVM and returns the value it reported.
     *
     * @param expectedRunTime how long the measurement itself takes; the child is killed after that
     *     plus a start/stop allowance
     */
    public static double run(Class<?> mainClass, Duration expectedRunTime, String... args)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        for (String flag : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (NOT_INHERITED.stream().noneMatch(flag::startsWith)) {
                command.add(flag);
            }
        }
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass.getName());
        command.addAll(List.of(args));

        Path stdout = Files.createTempFile("forked-jvm", ".stdout");
        Path stderr = Files.createTempFile("forked-jvm", ".stderr");
        try {
            Process child =
                    new ProcessBuilder(command)
                            .redirectOutput(stdout.toFile())
                            .redirectError(stderr.toFile())
                            .start();
            try {
                child.getOutputStream().close(); // nothing to read on its standard input
                long limitMillis = expectedRunTime.plus(START_AND_STOP_ALLOWANCE).toMillis();
                if (!child.waitFor(limitMillis, TimeUnit.MILLISECONDS)) {
                    throw new IOException(
                            mainClass.getSimpleName()
                                    + " did not finish within "
                                    + limitMillis
                                    + " ms");
                }
            } finally {
                child.destroyForcibly();
            }
            for (String line : Files.readAllLines(stdout, StandardCharsets.UTF_8)) {
                if (line.startsWith(RESULT_PREFIX)) {
                    return Double.parseDouble(line.substring(RESULT_PREFIX.length()).trim());
                }
            }
            throw new IOException(
                    mainClass.getSimpleName()
                            + " "
                            + String.join(" ", args)
                            + " reported no result (exit "
                            + child.exitValue()
                            + "); its standard error:\n"
                            + Files.readString(stderr));
        } finally {
            Files.deleteIfExists(stdout);
            Files.deleteIfExists(stderr);
        }
    }
}
