package io.flinkinference.benchmarks.harness;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Optional;

/** The facts about the machine a report states next to its figures. */
public record MachineFacts(
        int cores, String cpu, String jvm, String os, long maxHeapMb, Instant date, double load) {

    public static MachineFacts current() {
        Runtime rt = Runtime.getRuntime();
        return new MachineFacts(
                rt.availableProcessors(),
                cpuModel().orElse("unknown CPU"),
                System.getProperty("java.vm.name")
                        + " "
                        + System.getProperty("java.runtime.version")
                        + " ("
                        + System.getProperty("java.vm.vendor")
                        + ")",
                System.getProperty("os.name")
                        + " "
                        + System.getProperty("os.version")
                        + " "
                        + System.getProperty("os.arch"),
                rt.maxMemory() >> 20,
                Instant.now().truncatedTo(ChronoUnit.SECONDS),
                loadAverage());
    }

    /** The 1-minute load average now (other processes included), or -1 where unknown. */
    public static double loadAverage() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    private static Optional<String> cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                    .filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim())
                    .findFirst();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    public String markdown() {
        return String.format(
                Locale.ROOT,
                "- Date: %s%n- CPU: %d cores visible to the JVM (%s)%n- JVM: %s, max heap %d MiB%n"
                        + "- OS: %s%n- Load average (1 min) when the run started: %.2f%n",
                date,
                cores,
                cpu,
                jvm,
                maxHeapMb,
                os,
                load);
    }
}
