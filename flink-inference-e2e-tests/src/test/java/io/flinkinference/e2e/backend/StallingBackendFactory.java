package io.flinkinference.e2e.backend;

import io.flinkinference.sidecar.SidecarOptions;
import io.flinkinference.sidecar.api.v1.ModelInfo;
import io.flinkinference.sidecar.api.v1.TensorSpec;
import io.flinkinference.sidecar.backend.InferenceBackend;
import io.flinkinference.sidecar.backend.InferenceBackendFactory;
import io.flinkinference.sidecar.backend.ItemResult;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;

/**
 * Test-only sidecar backend {@code e2e-stall}: echoes every payload (as the mock does), but every
 * call blocks while the file named by {@code e2e.stall.marker-file} exists. A test stalls the
 * sidecar of another process by creating the file and ends the stall by deleting it. Found by
 * ServiceLoader when this module's test classes are on the sidecar's classpath.
 */
public final class StallingBackendFactory implements InferenceBackendFactory {

    public static final String NAME = "e2e-stall";

    public static final ConfigOption<String> MARKER_FILE =
            ConfigOptions.key("e2e.stall.marker-file")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "e2e-stall backend: every call blocks while this file exists.");

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Set<ConfigOption<?>> options() {
        return Set.of(MARKER_FILE);
    }

    @Override
    public InferenceBackend create() {
        return new StallingBackend();
    }

    /** Thread-safe: no state changes after open. */
    static final class StallingBackend implements InferenceBackend {
        private static final Logger LOG = LoggerFactory.getLogger(StallingBackend.class);
        private static final long POLL_NANOS = Duration.ofMillis(20).toNanos();

        private Path marker;
        private ModelInfo info;

        @Override
        public void open(Configuration config) {
            String file = config.get(MARKER_FILE);
            if (file == null) {
                throw new IllegalArgumentException(MARKER_FILE.key() + " must be set");
            }
            marker = Path.of(file);
            TensorSpec bytes = TensorSpec.newBuilder().setDtype("bytes").addShape(-1).build();
            info =
                    ModelInfo.newBuilder()
                            .setName("mock")
                            .setBackend(NAME)
                            .setMode("identity")
                            .setInput(bytes)
                            .setOutput(bytes)
                            .setMaxBatchSize(config.get(SidecarOptions.BATCH_MAX_SIZE))
                            .build();
        }

        @Override
        public ModelInfo info() {
            return info;
        }

        @Override
        public List<ItemResult> infer(List<byte[]> payloads) throws InterruptedException {
            if (Files.exists(marker)) {
                long start = System.nanoTime();
                LOG.info(
                        "e2e-stall: stalling a batch of {} while {} exists",
                        payloads.size(),
                        marker);
                while (Files.exists(marker)) {
                    LockSupport.parkNanos(POLL_NANOS);
                    if (Thread.interrupted()) {
                        throw new InterruptedException();
                    }
                }
                LOG.info(
                        "e2e-stall: stall over after {} ms",
                        (System.nanoTime() - start) / 1_000_000);
            }
            List<ItemResult> results = new ArrayList<>(payloads.size());
            for (byte[] payload : payloads) {
                results.add(ItemResult.ok(payload));
            }
            return results;
        }

        @Override
        public void close() {}
    }
}
