package io.flinkinference.sidecar.client.channel;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetSocketAddress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SharedChannelsTest {

    @Test
    void oneChannelPerEndpointClosedWithTheLastLease() {
        String endpoint = "127.0.0.1:1"; // never connected: channels connect lazily
        ChannelLease first = SharedChannels.acquire(endpoint);
        ChannelLease second = SharedChannels.acquire(endpoint);
        ChannelLease other = SharedChannels.acquire("127.0.0.1:2");
        try {
            assertThat(second.channel()).isSameAs(first.channel());
            assertThat(other.channel()).isNotSameAs(first.channel());
            assertThat(SharedChannels.references(endpoint)).isEqualTo(2);

            first.close();
            first.close(); // a second close of the same lease is ignored
            assertThat(SharedChannels.references(endpoint)).isEqualTo(1);
            assertThat(second.channel().isShutdown()).isFalse();

            second.close();
            assertThat(SharedChannels.references(endpoint)).isZero();
            assertThat(second.channel().isShutdown()).isTrue();
            assertThat(other.channel().isShutdown()).isFalse();

            ChannelLease again = SharedChannels.acquire(endpoint);
            assertThat(again.channel()).isNotSameAs(first.channel());
            again.close();
        } finally {
            other.close();
        }
    }

    @Test
    void parsesEndpoints() {
        InetSocketAddress v4 = SharedChannels.parseEndpoint("127.0.0.1:50051");
        assertThat(v4.getPort()).isEqualTo(50051);
        assertThat(SharedChannels.parseEndpoint("[::1]:7").getAddress().getHostAddress())
                .contains(":");
        for (String bad : new String[] {"localhost", ":80", "host:", "host:x", "host:70000"}) {
            assertThatThrownBy(() -> SharedChannels.parseEndpoint(bad))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(bad);
        }
    }
}
