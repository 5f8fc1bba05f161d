package io.flinkinference.e2e;

import io.flinkinference.e2e.job.E2eRecords;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * What a job committed, checked against what it was given.
 *
 * <p>The design: the job writes one line per result, {@code i,STATUS[,detail]}, through Flink's
 * {@code FileSink} with {@code OnCheckpointRollingPolicy}. That sink is two-phase: a subtask writes
 * into a hidden in-progress file ({@code .part-*.inprogress.*}), on each checkpoint it closes the
 * file into a hidden pending one, and only when the JobManager reports the checkpoint complete is
 * the file renamed to a visible {@code part-*} file (committed). After a failure, the job restores
 * its last completed checkpoint: in-progress files are truncated back to the checkpointed length
 * and pending files of later checkpoints are dropped, so what the visible files hold is exactly
 * what the restored checkpoints cover. With a bounded source, the final checkpoint at end of input
 * commits the rest.
 *
 * <p>This verifier reads only committed files (names not starting with {@code .}) and counts, for
 * every expected record index {@code 0..n-1}: present once (good), more than once (duplicates),
 * never (losses); plus lines for indexes outside the input (unexpected) and statuses. Exactly-once
 * means: every index exactly once, no unexpected lines.
 */
public final class CommittedOutput {

    public final long expected;
    public final int committedFiles;
    public final int uncommittedFiles;
    public final long lines;
    public final long distinct;
    public final long duplicates;
    public final long losses;
    public final long unexpected;

    /** How many records ended with each status (first line of a record counts). */
    public final Map<String, Long> statuses;

    /** For ERROR lines, how many per detail (the gRPC code). */
    public final Map<String, Long> errorDetails;

    /** The indexes (at most 10) of lost records, for messages. */
    public final List<Long> someLosses;

    private final Map<Long, List<String>> byRecord;

    private CommittedOutput(long expected, Path dir) throws IOException {
        this.expected = expected;
        int committed = 0;
        int uncommitted = 0;
        long lineCount = 0;
        long outside = 0;
        Map<Long, List<String>> records = new TreeMap<>();
        List<Path> files;
        try (Stream<Path> list = Files.list(dir)) {
            files = list.filter(Files::isRegularFile).sorted().toList();
        }
        for (Path file : files) {
            if (file.getFileName().toString().startsWith(".")) {
                uncommitted++;
                continue;
            }
            committed++;
            for (String line : Files.readAllLines(file)) {
                if (line.isEmpty()) {
                    continue;
                }
                lineCount++;
                String[] fields = line.split(",", 3);
                long index = Long.parseLong(fields[0]);
                if (index < 0 || index >= expected) {
                    outside++;
                    continue;
                }
                records.computeIfAbsent(index, i -> new ArrayList<>()).add(line);
            }
        }
        long dups = 0;
        Map<String, Long> status = new TreeMap<>();
        Map<String, Long> details = new TreeMap<>();
        for (List<String> lines : records.values()) {
            dups += lines.size() - 1;
            String[] fields = lines.get(0).split(",", 3);
            status.merge(fields[1], 1L, Long::sum);
            if (E2eRecords.ERROR.equals(fields[1]) && fields.length > 2) {
                details.merge(fields[2], 1L, Long::sum);
            }
        }
        List<Long> lost = new ArrayList<>();
        for (long i = 0; i < expected && lost.size() < 10; i++) {
            if (!records.containsKey(i)) {
                lost.add(i);
            }
        }
        this.committedFiles = committed;
        this.uncommittedFiles = uncommitted;
        this.lines = lineCount;
        this.distinct = records.size();
        this.duplicates = dups;
        this.losses = expected - records.size();
        this.unexpected = outside;
        this.statuses = status;
        this.errorDetails = details;
        this.someLosses = lost;
        this.byRecord = records;
    }

    /** Reads the committed files in {@code dir} of a job that was given records {@code 0..n-1}. */
    public static CommittedOutput read(Path dir, long expected) throws IOException {
        return new CommittedOutput(expected, dir);
    }

    /** The committed lines of record {@code i} (empty if lost). */
    public List<String> linesOf(long i) {
        return byRecord.getOrDefault(i, List.of());
    }

    public long status(String status) {
        return statuses.getOrDefault(status, 0L);
    }

    public boolean exactlyOnce() {
        return duplicates == 0 && losses == 0 && unexpected == 0;
    }

    /** Committed lines so far in {@code dir} (for polling while a job runs). */
    public static long committedLines(Path dir) throws IOException {
        long count = 0;
        try (Stream<Path> list = Files.list(dir)) {
            for (Path file : list.filter(Files::isRegularFile).toList()) {
                if (!file.getFileName().toString().startsWith(".")) {
                    try (Stream<String> lines = Files.lines(file)) {
                        count += lines.filter(l -> !l.isEmpty()).count();
                    }
                }
            }
        }
        return count;
    }

    @Override
    public String toString() {
        return "records in="
                + expected
                + ", lines out="
                + lines
                + " (committed files "
                + committedFiles
                + ", uncommitted "
                + uncommittedFiles
                + "), distinct="
                + distinct
                + ", duplicates="
                + duplicates
                + ", losses="
                + losses
                + (someLosses.isEmpty() ? "" : " e.g. " + someLosses)
                + ", unexpected="
                + unexpected
                + ", statuses="
                + statuses
                + (errorDetails.isEmpty() ? "" : ", errors=" + errorDetails);
    }
}
