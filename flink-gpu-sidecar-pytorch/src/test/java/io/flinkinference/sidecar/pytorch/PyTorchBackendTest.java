package io.flinkinference.sidecar.pytorch;

import io.flinkinference.sidecar.api.v1.ModelInfo;
import io.flinkinference.sidecar.backend.InferenceBackendFactory;
import io.flinkinference.sidecar.backend.ItemResult;

import org.apache.flink.configuration.Configuration;

import com.google.rpc.Code;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The {@code pytorch} backend on {@code affine.pt}, a TorchScript module {@code y = x·W + b} with
 * {@code W = [[1,2],[3,4],[5,6]]}, {@code b = [0.5,-1]}, written by {@code
 * src/test/scripts/make_affine_torchscript.py}.
 */
@Timeout(180)
class PyTorchBackendTest {

    private static PyTorchBackend backend;

    @BeforeAll
    static void open() throws Exception {
        backend = new PyTorchBackend();
        backend.open(config());
    }

    @AfterAll
    static void close() {
        backend.close();
    }

    @Test
    void serviceLoaderFindsThePytorchFactory() {
        InferenceBackendFactory factory =
                ServiceLoader.load(InferenceBackendFactory.class).stream()
                        .map(ServiceLoader.Provider::get)
                        .filter(f -> f.name().equals("pytorch"))
                        .findFirst()
                        .orElseThrow();
        assertThat(factory.create()).isInstanceOf(PyTorchBackend.class);
        assertThat(factory.options()).contains(PyTorchOptions.MODEL_PATH);
    }

    @Test
    void modelInfoDescribesInputFromConfigAndOutputFromTheModel() {
        ModelInfo info = backend.info();
        assertThat(info.getBackend()).isEqualTo("pytorch");
        assertThat(info.getName()).isEqualTo("affine");
        assertThat(info.getMode()).isEqualTo("tensor");
        assertThat(info.getInput().getDtype()).isEqualTo("float32");
        assertThat(info.getInput().getShapeList()).containsExactly(3L);
        assertThat(info.getOutput().getDtype()).isEqualTo("float32");
        assertThat(info.getOutput().getShapeList()).containsExactly(2L);
    }

    @Test
    void stacksRunsOnceAndSplitsExactly() throws Exception {
        List<ItemResult> results =
                backend.infer(List.of(floats(1, 2, 3), floats(1, 0, 0), floats(-1, -1, -1)));

        assertThat(floatsOf(results.get(0).payload())).containsExactly(22.5f, 27f);
        assertThat(floatsOf(results.get(1).payload())).containsExactly(1.5f, 1f);
        assertThat(floatsOf(results.get(2).payload())).containsExactly(-8.5f, -13f);
    }

    @Test
    void wrongSizedPayloadsFailAloneNamingBothSizes() throws Exception {
        List<ItemResult> results =
                backend.infer(List.of(new byte[11], floats(0, 1, 0), new byte[16]));

        assertThat(results.get(0).errorCode()).isEqualTo(Code.INVALID_ARGUMENT);
        assertThat(results.get(0).errorMessage()).contains("11 bytes", "expected 12 bytes");
        assertThat(results.get(2).errorMessage()).contains("16 bytes", "expected 12 bytes");
        assertThat(floatsOf(results.get(1).payload())).containsExactly(3.5f, 3f);
    }

    @Test
    void concurrentCallsGiveEachItemItsOwnAnswer() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Boolean>> futures = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                float k = t;
                futures.add(
                        pool.submit(
                                () -> {
                                    for (int round = 0; round < 20; round++) {
                                        List<ItemResult> r =
                                                backend.infer(
                                                        List.of(
                                                                floats(k, 0, 0),
                                                                floats(0, 0, round)));
                                        assertThat(floatsOf(r.get(0).payload()))
                                                .containsExactly(k + 0.5f, 2 * k - 1);
                                        assertThat(floatsOf(r.get(1).payload()))
                                                .containsExactly(5 * round + 0.5f, 6 * round - 1);
                                    }
                                    return true;
                                }));
            }
            for (Future<Boolean> future : futures) {
                assertThat(future.get(120, TimeUnit.SECONDS)).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void missingOptionsFailAtOpen() {
        assertThatThrownBy(() -> new PyTorchBackend().open(new Configuration()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sidecar.pytorch.model-path");

        Configuration badDtype = config();
        badDtype.set(PyTorchOptions.INPUT_DTYPE, "complex");
        assertThatThrownBy(() -> new PyTorchBackend().open(badDtype))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("float32, float64");
    }

    @Test
    void aShapeTheModelCannotTakeFailsAtOpen() {
        Configuration config = config();
        config.set(PyTorchOptions.INPUT_SHAPE, List.of(4));
        assertThatThrownBy(() -> new PyTorchBackend().open(config))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cannot run one float32 item of shape [4]");
    }

    private static Configuration config() {
        Configuration config = new Configuration();
        try {
            config.set(
                    PyTorchOptions.MODEL_PATH,
                    Path.of(PyTorchBackendTest.class.getResource("/affine.pt").toURI()).toString());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        config.set(PyTorchOptions.INPUT_SHAPE, List.of(3));
        return config;
    }

    private static byte[] floats(float... values) {
        ByteBuffer buffer = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        buffer.asFloatBuffer().put(values);
        return buffer.array();
    }

    private static float[] floatsOf(byte[] bytes) {
        float[] values = new float[bytes.length / 4];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
        return values;
    }
}
