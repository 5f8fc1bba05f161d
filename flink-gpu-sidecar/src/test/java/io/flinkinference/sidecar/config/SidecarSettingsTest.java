package io.flinkinference.sidecar.config;

import io.flinkinference.sidecar.SidecarOptions;
import io.flinkinference.sidecar.backend.mock.MockBackendOptions;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.IllegalConfigurationException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class SidecarSettingsTest {

    private static SidecarSettings read(Map<String, String> values) {
        return SidecarSettings.from(
                Configuration.fromMap(values), List.of(MockBackendOptions.LATENCY_FIXED));
    }

    @Test
    void defaultsAreLoopbackAndDocumentedValues() {
        SidecarSettings s = read(Map.of());
        assertThat(s.host()).isEqualTo("127.0.0.1");
        assertThat(s.port()).isEqualTo(50051);
        assertThat(s.maxMessageBytes()).isEqualTo(4 * 1024 * 1024);
        assertThat(s.backend()).isEqualTo("mock");
        assertThat(s.queueMaxWait()).isEqualTo(Duration.ofSeconds(5));
        assertThat(s.rpcExecutorThreads()).isEqualTo(4);
        assertThat(s.endpoint(123)).isEqualTo("127.0.0.1:123");
    }

    @Test
    void parsesIpv6Endpoints() {
        SidecarSettings s = read(Map.of("sidecar.rpc.endpoint", "[::1]:0"));
        assertThat(s.host()).isEqualTo("::1");
        assertThat(s.endpoint(7)).isEqualTo("[::1]:7");
    }

    @Test
    void everyBadValueNamesItsOption() {
        Map<String, String> bad =
                Map.of(
                        "sidecar.rpc.endpoint", "no-port",
                        "sidecar.queue.max-length", "0",
                        "sidecar.queue.max-wait", "0 ms",
                        "sidecar.batch.max-size", "many",
                        "sidecar.batch.timeout", "-1 ms",
                        "sidecar.backend.workers", "-2",
                        "sidecar.rpc.max-message-size", "0 b",
                        "sidecar.rpc.stream.max-in-flight", "0",
                        "sidecar.mock.latency.fixed", "soon",
                        "sidecar.queue.max-lenght", "10");
        bad.forEach(
                (key, value) ->
                        assertThatThrownBy(() -> read(Map.of(key, value)))
                                .as(key)
                                .isInstanceOf(IllegalConfigurationException.class)
                                .hasMessageStartingWith(key));
        assertThatThrownBy(() -> read(Map.of("sidecar.rpc.executor-threads", "0")))
                .isInstanceOf(IllegalConfigurationException.class)
                .hasMessageStartingWith("sidecar.rpc.executor-threads");
    }

    @Test
    void loadsNestedYamlAndLetsOverridesWin(@TempDir Path dir) throws Exception {
        File yaml = dir.resolve("sidecar.yaml").toFile();
        Files.writeString(
                yaml.toPath(),
                "sidecar:\n"
                        + "  queue:\n"
                        + "    max-length: 7\n"
                        + "  batch.max-size: 3\n"
                        + "metrics.reporter.prom.factory.class: x.Y\n");
        Configuration config =
                ConfigLoader.load(yaml, Map.of(SidecarOptions.BATCH_MAX_SIZE.key(), "9"));
        assertThat(config.get(SidecarOptions.QUEUE_MAX_LENGTH)).isEqualTo(7);
        assertThat(config.get(SidecarOptions.BATCH_MAX_SIZE)).isEqualTo(9);
        assertThat(config.toMap()).containsEntry("metrics.reporter.prom.factory.class", "x.Y");
    }

    @Test
    void missingYamlIsAConfigurationError() {
        assertThatThrownBy(() -> ConfigLoader.load(new File("/nonexistent.yaml"), Map.of()))
                .isInstanceOf(IllegalConfigurationException.class)
                .hasMessageContaining("--config");
    }
}
