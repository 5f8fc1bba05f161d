package io.flinkinference.sidecar.onnx;

import io.flinkinference.sidecar.backend.InferenceBackendFactory;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ServiceLoader;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Discovery, options and the failures that must happen at open(), not on the first request. */
@Timeout(60)
class OnnxBackendFactoryTest {

    @Test
    void serviceLoaderFindsTheOnnxFactoryByName() {
        InferenceBackendFactory factory =
                ServiceLoader.load(InferenceBackendFactory.class).stream()
                        .map(ServiceLoader.Provider::get)
                        .filter(f -> f.name().equals("onnx"))
                        .findFirst()
                        .orElseThrow();

        assertThat(factory.create()).isInstanceOf(OnnxBackend.class);
        assertThat(factory.options().stream().map(ConfigOption::key).collect(Collectors.toSet()))
                .contains(
                        "sidecar.onnx.model-path",
                        "sidecar.onnx.tokenizer-path",
                        "sidecar.onnx.mode",
                        "sidecar.onnx.max-sequence-length",
                        "sidecar.onnx.execution-provider",
                        "sidecar.onnx.intra-op-threads",
                        "sidecar.onnx.inter-op-threads",
                        "sidecar.onnx.graph-optimization-level");
        assertThat(factory.options()).allMatch(o -> o.description().toString().length() > 20);
    }

    @ParameterizedTest
    @ValueSource(strings = {"cuda", "tensorrt"})
    void gpuProviderOnTheCpuBuildFailsAtOpenWithAClearMessage(String provider) {
        // The default build carries the CPU-only ONNX Runtime; under -Pgpu see the next test.
        assumeFalse(
                OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA),
                "built with -Pgpu");
        Configuration config = new Configuration();
        config.set(OnnxOptions.EXECUTION_PROVIDER, provider);

        assertThatThrownBy(() -> new OnnxBackend().open(config))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("sidecar.onnx.execution-provider = '" + provider + "'")
                .hasMessageContaining("onnxruntime_gpu")
                .hasMessageContaining("-Pgpu")
                .hasMessageContaining("NVIDIA GPU");
    }

    @ParameterizedTest
    @ValueSource(strings = {"cuda", "tensorrt"})
    void gpuBuildWithoutAGpuFailsAtOpenWithAClearMessage(String provider) {
        assumeTrue(
                OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA),
                "needs the -Pgpu build");
        assumeFalse(Files.exists(Path.of("/dev/nvidia0")), "this machine has an NVIDIA GPU");
        Configuration config = new Configuration();
        config.set(OnnxOptions.EXECUTION_PROVIDER, provider);

        assertThatThrownBy(() -> new OnnxBackend().open(config))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("sidecar.onnx.execution-provider = '" + provider + "'")
                .hasMessageContaining("could not start on GPU 0");
    }

    @Test
    void unknownEnumeratedValuesAreRejectedListingTheAcceptedOnes() {
        Configuration provider = new Configuration();
        provider.set(OnnxOptions.EXECUTION_PROVIDER, "tpu");
        assertThatThrownBy(() -> new OnnxBackend().open(provider))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'cpu', 'cuda', 'tensorrt'");

        Configuration mode = new Configuration();
        mode.set(OnnxOptions.MODE, "image");
        assertThatThrownBy(() -> new OnnxBackend().open(mode))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'tensor', 'text-embedding'");

        Configuration level = new Configuration();
        level.set(OnnxOptions.GRAPH_OPTIMIZATION_LEVEL, "max");
        assertThatThrownBy(() -> new OnnxBackend().open(level))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'disabled', 'basic', 'extended', 'all'");
    }

    @Test
    void missingModelFailsAtOpenNamingThePath() {
        Configuration file = new Configuration();
        file.set(OnnxOptions.MODEL_PATH, "/nonexistent/model.onnx");
        assertThatThrownBy(() -> new OnnxBackend().open(file))
                .isInstanceOf(NoSuchFileException.class)
                .hasMessageContaining("/nonexistent/model.onnx");

        Configuration resource = new Configuration();
        resource.set(OnnxOptions.MODEL_PATH, "classpath:/no-such-model.onnx");
        assertThatThrownBy(() -> new OnnxBackend().open(resource))
                .isInstanceOf(NoSuchFileException.class)
                .hasMessageContaining("classpath:/no-such-model.onnx");
    }

    @Test
    void maxSequenceLengthBeyondTheModelFailsAtOpen() {
        Configuration config = new Configuration();
        config.set(OnnxOptions.MAX_SEQUENCE_LENGTH, 1000);
        assertThatThrownBy(() -> new OnnxBackend().open(config))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sidecar.onnx.max-sequence-length = 1000");
    }
}
