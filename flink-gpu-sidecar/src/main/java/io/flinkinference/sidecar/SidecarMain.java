package io.flinkinference.sidecar;

import io.flinkinference.sidecar.backend.BackendRegistry;
import io.flinkinference.sidecar.backend.InferenceBackendFactory;
import io.flinkinference.sidecar.config.ConfigLoader;
import io.flinkinference.sidecar.config.OptionsHelp;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.IllegalConfigurationException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * The command line: {@code SidecarMain [--config FILE.yaml] [-Dkey=value ...] [--help]}.
 *
 * <p>Exit codes: 0 after a graceful stop (SIGTERM or SIGINT) and for {@code --help}; 2 for a bad
 * command line or configuration (the message names the option); 1 when the server cannot start for
 * another reason (backend failed to open, port taken).
 */
public final class SidecarMain {

    private static final Logger LOG = LoggerFactory.getLogger(SidecarMain.class);

    /** Exit code for a bad command line or configuration. */
    public static final int EXIT_BAD_CONFIG = 2;

    private SidecarMain() {}

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the sidecar until SIGTERM/SIGINT; returns the exit code. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        File configFile = null;
        Map<String, String> overrides = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--help") || arg.equals("-h")) {
                out.print(help());
                return 0;
            } else if (arg.equals("--config") && i + 1 < args.length) {
                configFile = new File(args[++i]);
            } else if (arg.startsWith("--config=")) {
                configFile = new File(arg.substring("--config=".length()));
            } else if (arg.startsWith("-D") && arg.indexOf('=') > 2) {
                int eq = arg.indexOf('=');
                overrides.put(arg.substring(2, eq).trim(), arg.substring(eq + 1).trim());
            } else {
                err.println("sidecar: unexpected argument '" + arg + "'");
                err.println("usage: sidecar [--config FILE.yaml] [-Dkey=value ...] [--help]");
                return EXIT_BAD_CONFIG;
            }
        }
        // Before starting, so that a SIGTERM that arrives while starting still stops gracefully.
        CountDownLatch stop = new CountDownLatch(1);
        StopSignals.install(stop::countDown);
        SidecarServer server;
        try {
            Configuration config = ConfigLoader.load(configFile, overrides);
            server = SidecarServer.start(config);
        } catch (IllegalConfigurationException e) {
            err.println("sidecar: bad configuration: " + e.getMessage());
            return EXIT_BAD_CONFIG;
        } catch (Exception e) {
            LOG.error("sidecar failed to start", e);
            err.println("sidecar: failed to start: " + e);
            return 1;
        }
        try {
            stop.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        server.close();
        return 0;
    }

    /** The usage text with every option, generated from the ConfigOptions. */
    static String help() {
        StringBuilder out = new StringBuilder();
        out.append("usage: sidecar [--config FILE.yaml] [-Dkey=value ...] [--help]\n\n")
                .append(
                        "Serves one model over gRPC (flinkinference.sidecar.v1.InferenceSidecar).\n")
                .append("Options come from the YAML file (Flink config.yaml syntax), then -D.\n\n")
                .append("Server options:\n");
        OptionsHelp.render(SidecarOptions.ALL, out);
        for (InferenceBackendFactory factory : BackendRegistry.all()) {
            out.append("\nBackend '").append(factory.name()).append("' options:\n");
            OptionsHelp.render(factory.options(), out);
        }
        out.append("\nMetric reporters (as in Flink):\n")
                .append("  metrics.reporter.<name>.factory.class\n")
                .append("      a MetricReporterFactory, e.g. ")
                .append("org.apache.flink.metrics.prometheus.PrometheusReporterFactory\n")
                .append("  metrics.reporter.<name>.<key>\n")
                .append("      passed to that reporter, e.g. metrics.reporter.prom.port: 9249\n")
                .append("  metrics.reporter.<name>.interval\n")
                .append("      default: 10 s; how often a scheduled reporter reports\n");
        return out.toString();
    }
}
