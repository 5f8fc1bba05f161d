package io.flinkinference.e2e.cluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code bin/cluster start}: starts the same distributed setup as the tests (one JobManager, two
 * TaskManagers, one sidecar per TaskManager, all on 127.0.0.1), writes their pids to {@code
 * <work-dir>/pids}, prints the web UI URL and how to submit a job, and exits, leaving the processes
 * running. {@code bin/cluster stop} ends them by pid.
 *
 * <p>Arguments: {@code <work-dir> [taskManagers] [-Dsidecar.key=value ...]} (sidecar options, e.g.
 * {@code -Dsidecar.mock.latency.fixed=5ms}).
 */
public final class ClusterMain {

    private ClusterMain() {}

    public static void main(String[] args) throws IOException {
        Path workDir = Path.of(args[0]).toAbsolutePath();
        int taskManagers = 2;
        Map<String, String> sidecarOptions = new LinkedHashMap<>();
        for (int i = 1; i < args.length; i++) {
            if (args[i].startsWith("-D") && args[i].contains("=")) {
                String kv = args[i].substring(2);
                sidecarOptions.put(
                        kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
            } else {
                taskManagers = Integer.parseInt(args[i]);
            }
        }
        DistributedCluster cluster = new DistributedCluster(taskManagers, 2, sidecarOptions);
        cluster.start(workDir);
        ManagedProcess.detachAll();

        List<String> pids = new ArrayList<>();
        for (int i = 0; i < taskManagers; i++) {
            pids.add(cluster.sidecars().process(i).pid() + " sidecar-" + i);
            pids.add(cluster.flink().taskManager(i).pid() + " taskmanager-" + i);
        }
        pids.add(cluster.flink().jobManager().pid() + " jobmanager");
        Files.write(workDir.resolve("pids"), pids, StandardCharsets.UTF_8);

        StringBuilder out = new StringBuilder();
        out.append("Flink web UI:  ").append(cluster.flink().webUrl()).append('\n');
        for (int i = 0; i < taskManagers; i++) {
            out.append("taskmanager-")
                    .append(i)
                    .append(" (pid ")
                    .append(cluster.flink().taskManager(i).pid())
                    .append(") -> sidecar ")
                    .append(cluster.sidecars().endpoint(i))
                    .append(" (pid ")
                    .append(cluster.sidecars().process(i).pid())
                    .append(")\n");
        }
        out.append("logs, configs, checkpoints: ").append(workDir).append('\n');
        out.append("submit the test job (fat jar) over REST:\n")
                .append("  curl -F jarfile=@")
                .append(System.getProperty("e2e.job.jar"))
                .append(' ')
                .append(cluster.flink().webUrl())
                .append("/jars/upload\n")
                .append("  curl -H 'Content-Type: application/json' -d '{\"programArgsList\":")
                .append("[\"--records\",\"10000\",\"--rate\",\"500\",\"--output\",\"")
                .append(workDir.resolve("output"))
                .append("\"]}' ")
                .append(cluster.flink().webUrl())
                .append("/jars/<id from upload>/run\n")
                .append("  (or upload it in the web UI: Submit New Job)\n");
        out.append("stop: bin/cluster stop\n");
        System.out.print(out);
    }
}
