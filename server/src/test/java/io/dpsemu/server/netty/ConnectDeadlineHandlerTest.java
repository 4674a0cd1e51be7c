package io.dpsemu.server.netty;

import static io.dpsemu.server.rawmqtt.RawMqttPackets.pingreq;
import static org.assertj.core.api.Assertions.assertThat;

import io.dpsemu.server.channel.HandlerNames;
import io.dpsemu.server.metrics.CloseReason;
import io.dpsemu.server.rawmqtt.RawMqttDevice;
import io.dpsemu.server.rawmqtt.RawMqttEmbeddedServer;
import io.dpsemu.server.rawmqtt.RawMqttEmbeddedServer.Connection;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The absolute deadline from accept to CONNACK, in the full MQTT pipeline. */
class ConnectDeadlineHandlerTest {

    private static final Duration DEADLINE = Duration.ofSeconds(RawMqttEmbeddedServer.CONNECT_TIMEOUT_SECONDS);
    private static final Duration JUST_BEFORE = DEADLINE.minusMillis(1);

    private final RawMqttEmbeddedServer server = RawMqttEmbeddedServer.start();

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void silentConnection_whenDeadlinePasses_thenClosed() {
        Connection connection = server.open();

        connection.advanceTimeBy(JUST_BEFORE);
        assertThat(connection.isOpen()).as("open just before the deadline").isTrue();
        connection.advanceTimeBy(Duration.ofMillis(1));

        assertThat(connection.isOpen()).isFalse();
        assertThat(server.closedCount(CloseReason.CONNECT_TIMEOUT)).isEqualTo(1.0);
    }

    @Test
    void trickledConnect_whenDeadlinePassesBeforeItIsComplete_thenClosed() {
        Connection connection = server.open();
        byte[] connect = server.enroll("trickle").connect().bytes();

        Duration pace = Duration.ofMillis(500);
        int sent = 0;
        while (connection.isOpen() && sent < connect.length - 1) {
            connection.send(Arrays.copyOfRange(connect, sent, sent + 1));
            sent++;
            connection.advanceTimeBy(pace);
        }

        assertThat(connection.isOpen()).isFalse();
        assertThat(sent).as("bytes sent before the close").isEqualTo((int) DEADLINE.dividedBy(pace));
        assertThat(server.closedCount(CloseReason.CONNECT_TIMEOUT)).isEqualTo(1.0);
    }

    @Test
    void acceptedConnect_removesTheDeadline() {
        RawMqttDevice device = server.enroll("in-time");
        Connection connection = server.connected(device);

        // pings keep the connection from the idle timeout, which is as short as the deadline until it authenticates
        for (int i = 0; i < 4; i++) {
            connection.advanceTimeBy(DEADLINE.dividedBy(2));
            connection.send(pingreq());
        }

        assertThat(connection.isOpen()).isTrue();
        assertThat(connection.channel().pipeline().get(HandlerNames.CONNECT_DEADLINE)).isNull();
        assertThat(server.closedCount(CloseReason.CONNECT_TIMEOUT)).isZero();
    }
}
