package io.flinkinference.benchmarks.soak;

import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * One sample of what a leak would grow, for this JVM (the sidecar and its clients run in it).
 *
 * @param seconds since the soak started
 * @param heapAfterGcMb heap in use right after a full GC ({@code System.gc()} just before)
 * @param rssMb resident set size, {@code VmRSS} of {@code /proc/self/status}
 * @param threads live threads
 * @param directMb the {@code direct} buffer pool (JDK direct ByteBuffers)
 * @param openFds entries of {@code /proc/self/fd}
 */
public record ProcessSample(
        double seconds,
        double heapAfterGcMb,
        double rssMb,
        double threads,
        double directMb,
        double openFds) {

    /** The sampled quantities, in the order of the report's columns. */
    public static final List<String> METRICS =
            List.of(
                    "heap after GC (MiB)",
                    "RSS (MiB)",
                    "threads",
                    "direct memory (MiB)",
                    "open fds");

    public double value(int metric) {
        return switch (metric) {
            case 0 -> heapAfterGcMb;
            case 1 -> rssMb;
            case 2 -> threads;
            case 3 -> directMb;
            case 4 -> openFds;
            default -> throw new IllegalArgumentException("metric " + metric);
        };
    }

    /** Runs a full GC, then samples. */
    @SuppressWarnings("java:S1215") // heap-after-GC is the point
    public static ProcessSample take(double seconds) {
        System.gc();
        double heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / MIB;
        double direct =
                ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
                                .filter(p -> p.getName().equals("direct"))
                                .mapToLong(BufferPoolMXBean::getMemoryUsed)
                                .sum()
                        / MIB;
        return new ProcessSample(
                seconds,
                heap,
                rssKb() / 1024.0,
                ManagementFactory.getThreadMXBean().getThreadCount(),
                direct,
                countOpenFds());
    }

    private static final double MIB = 1024.0 * 1024.0;

    private static long rssKb() {
        try {
            return Files.readAllLines(Path.of("/proc/self/status")).stream()
                    .filter(l -> l.startsWith("VmRSS:"))
                    .map(l -> l.replaceAll("[^0-9]", ""))
                    .mapToLong(Long::parseLong)
                    .findFirst()
                    .orElse(-1);
        } catch (IOException e) {
            return -1;
        }
    }

    private static long countOpenFds() {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        } catch (IOException e) {
            return -1;
        }
    }
}
