package io.flinkinference.sidecar.client;

import io.flinkinference.sidecar.client.codec.TensorCodec;

import org.apache.flink.api.common.functions.InvalidTypesException;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.util.InstantiationUtil;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SidecarBatchFunctionBuilderTest {

    /** A codec whose class does not say what OUT is. */
    static final class Passthrough<T> implements TensorCodec<T, T> {
        private static final long serialVersionUID = 1L;

        @Override
        public byte[] encode(T input) {
            return new byte[0];
        }

        @Override
        public T decode(T input, byte[] output) {
            return input;
        }
    }

    @Test
    void defaultsComeFromTheConfigOptions() {
        SidecarClientConfig config =
                SidecarBatchFunction.builder(TensorCodec.utf8()).build().getConfig();
        assertThat(config.endpoint()).isEqualTo(SidecarClientOptions.ENDPOINT.defaultValue());
        assertThat(config.model()).isEmpty();
        assertThat(config.retryMaxDuration())
                .isEqualTo(SidecarClientOptions.RETRY_MAX_DURATION.defaultValue());
        assertThat(config.reconnectMaxDuration())
                .isEqualTo(SidecarClientOptions.RECONNECT_MAX_DURATION.defaultValue());
        assertThat(config.maxInFlightRequests())
                .isEqualTo(SidecarClientOptions.MAX_IN_FLIGHT_REQUESTS.defaultValue());
        assertThat(config.maxQueuedRequests())
                .isEqualTo(SidecarClientOptions.MAX_QUEUED_REQUESTS.defaultValue());
    }

    @Test
    void configureTakesTheOptionsAFlinkConfigurationSetsAndLaterCallsWin() {
        Configuration flink = new Configuration();
        flink.set(SidecarClientOptions.ENDPOINT, "10.0.0.1:6000");
        flink.set(SidecarClientOptions.MODEL, "minilm");
        flink.set(SidecarClientOptions.RETRY_MAX_DURATION, Duration.ofSeconds(5));
        SidecarClientConfig config =
                SidecarBatchFunction.builder(TensorCodec.utf8())
                        .configure(flink)
                        .model("other")
                        .build()
                        .getConfig();
        assertThat(config.endpoint()).isEqualTo("10.0.0.1:6000");
        assertThat(config.model()).isEqualTo("other");
        assertThat(config.retryMaxDuration()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void nonsenseSettingsAreRejectedNamingTheSetting() {
        assertThatThrownBy(
                        () ->
                                SidecarBatchFunction.builder(TensorCodec.utf8())
                                        .endpoint("nope")
                                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'nope'");
        assertThatThrownBy(
                        () ->
                                SidecarBatchFunction.builder(TensorCodec.utf8())
                                        .maxInFlightRequests(0)
                                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxInFlightRequests");
        assertThatThrownBy(
                        () ->
                                SidecarBatchFunction.builder(TensorCodec.utf8())
                                        .retryBudget(Duration.ZERO)
                                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("retryMaxDuration");
    }

    @Test
    void theFunctionIsSerializableAndKnowsItsOutputType() throws Exception {
        SidecarBatchFunction<float[], float[]> function =
                SidecarBatchFunction.builder(TensorCodec.float32()).endpoint("127.0.0.1:7").build();
        SidecarBatchFunction<float[], float[]> copy =
                InstantiationUtil.clone(function, getClass().getClassLoader());
        assertThat(copy.getConfig().endpoint()).isEqualTo("127.0.0.1:7");
        assertThat(copy.getProducedType()).isEqualTo(Types.PRIMITIVE_ARRAY(Types.FLOAT));
        assertThat(SidecarBatchFunction.builder(TensorCodec.utf8()).build().getProducedType())
                .isEqualTo(Types.STRING);
    }

    @Test
    void aCodecThatHidesItsOutputTypeAsksForReturns() {
        SidecarBatchFunction<String, String> hidden =
                SidecarBatchFunction.builder(new Passthrough<String>()).build();
        assertThatThrownBy(hidden::getProducedType)
                .isInstanceOf(InvalidTypesException.class)
                .hasMessageContaining("returns(");
        assertThat(
                        SidecarBatchFunction.builder(new Passthrough<String>())
                                .returns(Types.STRING)
                                .build()
                                .getProducedType())
                .isEqualTo(Types.STRING);
    }
}
