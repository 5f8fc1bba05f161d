package io.flinkinference.sidecar.client.codec;

import org.apache.flink.util.InstantiationUtil;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TensorCodecTest {

    @Test
    void float32IsLittleEndianAndRoundTrips() throws Exception {
        float[] input = {1.5f, -0.0f, Float.NaN, Float.MAX_VALUE, 3e-38f};
        byte[] bytes = TensorCodec.float32().encode(input);
        assertThat(bytes).hasSize(input.length * 4);
        assertThat(ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getFloat(0))
                .isEqualTo(1.5f);
        assertThat(bytes[0]).isEqualTo((byte) 0); // 1.5f = 0x3FC00000, low byte first
        assertThat(bytes[3]).isEqualTo((byte) 0x3F);
        assertThat(TensorCodec.float32().decode(input, bytes)).containsExactly(input);
    }

    @Test
    void float32RejectsATruncatedTensor() {
        assertThatThrownBy(() -> TensorCodec.float32().decode(null, new byte[7]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("multiple of 4")
                .hasMessageContaining("7");
    }

    @Test
    void emptyInputsRoundTrip() throws Exception {
        assertThat(TensorCodec.float32().decode(null, TensorCodec.float32().encode(new float[0])))
                .isEmpty();
        assertThat(TensorCodec.utf8().decode("", TensorCodec.utf8().encode(""))).isEmpty();
        assertThat(TensorCodec.bytes().encode(new byte[0])).isEmpty();
    }

    @Test
    void utf8RoundTripsNonAscii() throws Exception {
        String text = "Grüße, 世界 🚀";
        byte[] bytes = TensorCodec.utf8().encode(text);
        assertThat(bytes).hasSize(text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
        assertThat(TensorCodec.utf8().decode(text, bytes)).isEqualTo(text);
    }

    @Test
    void bytesAreUnchanged() throws Exception {
        byte[] input = {0, 1, (byte) 0xFF};
        assertThat(TensorCodec.bytes().encode(input)).containsExactly(input);
        assertThat(TensorCodec.bytes().decode(input, new byte[] {9})).containsExactly(9);
    }

    @Test
    void codecsSurviveJavaSerialization() throws Exception {
        for (TensorCodec<?, ?> codec :
                new TensorCodec<?, ?>[] {
                    TensorCodec.float32(),
                    TensorCodec.bytes(),
                    TensorCodec.utf8(),
                    TensorCodec.utf8ToFloat32()
                }) {
            TensorCodec<?, ?> copy = InstantiationUtil.clone(codec, getClass().getClassLoader());
            assertThat(copy).isSameAs(codec);
        }
    }

    @Test
    void utf8ToFloat32SendsUtf8AndDecodesLittleEndianFloats() throws Exception {
        String text = "Grüße, 世界";
        assertThat(TensorCodec.utf8ToFloat32().encode(text))
                .containsExactly(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));

        float[] embedding = {0.6f, -0.8f, 0f};
        ByteBuffer answer = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
        answer.putFloat(0.6f).putFloat(-0.8f).putFloat(0f);
        assertThat(TensorCodec.utf8ToFloat32().decode(text, answer.array()))
                .containsExactly(embedding);
        // the same bytes as the float32 codec writes
        assertThat(
                        TensorCodec.utf8ToFloat32()
                                .decode(text, TensorCodec.float32().encode(embedding)))
                .containsExactly(embedding);
    }

    @Test
    void utf8ToFloat32RejectsATruncatedAnswer() {
        assertThatThrownBy(() -> TensorCodec.utf8ToFloat32().decode("x", new byte[5]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("multiple of 4")
                .hasMessageContaining("5");
    }
}
