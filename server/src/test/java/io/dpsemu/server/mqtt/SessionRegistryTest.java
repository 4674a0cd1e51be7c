package io.dpsemu.server.mqtt;

import static io.dpsemu.server.rawmqtt.RawMqttPackets.connect;
import static io.dpsemu.server.rawmqtt.RawMqttPackets.pingreq;
import static org.assertj.core.api.Assertions.assertThat;

import io.dpsemu.server.channel.CloseReason;
import io.dpsemu.server.rawmqtt.RawMqttDevice;
import io.dpsemu.server.rawmqtt.RawMqttEmbeddedServer;
import io.dpsemu.server.rawmqtt.RawMqttEmbeddedServer.Connection;
import io.netty.handler.codec.mqtt.MqttMessageType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** One connection per client id: a newer CONNECT takes over (MQTT 3.1.1 §3.1.4). */
class SessionRegistryTest {

    private final RawMqttEmbeddedServer server = RawMqttEmbeddedServer.start();

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void secondConnection_withTheSameClientId_closesTheFirst() {
        RawMqttDevice device = server.enroll("taken-over");
        Connection first = server.connected(device);

        Connection second = server.connected(device);

        assertThat(first.isOpen()).isFalse();
        assertThat(second.isOpen()).isTrue();
        assertThat(second.send(pingreq())).singleElement()
                .satisfies(pingResp -> assertThat(pingResp.type()).isEqualTo(MqttMessageType.PINGRESP));
        assertThat(server.closedCount(CloseReason.TAKEN_OVER)).isEqualTo(1.0);
        assertThat(server.services().sessions().size()).isEqualTo(1);
    }

    @Test
    void secondConnection_withTheClientIdInAnotherCase_closesTheFirst() {
        RawMqttDevice device = server.enroll("Case-Device");
        Connection first = server.connected(device);
        Connection second = server.open();

        second.send(connect("case-device").username(device.username()).password(device.sasToken()).bytes());

        assertThat(first.isOpen()).isFalse();
        assertThat(second.isOpen()).isTrue();
    }

    @Test
    void connections_withDifferentClientIds_coexist() {
        Connection one = server.connected(server.enroll("device-a"));
        Connection two = server.connected(server.enroll("device-b"));

        assertThat(one.isOpen()).isTrue();
        assertThat(two.isOpen()).isTrue();
        assertThat(server.services().sessions().size()).isEqualTo(2);
    }

    @Test
    void closedConnection_leavesTheRegistry() {
        Connection connection = server.connected(server.enroll("leaves"));

        connection.channel().close();
        connection.runTasks();

        assertThat(server.services().sessions().size()).isZero();
    }

    @Test
    void refusedConnect_neverEntersTheRegistryNorClosesTheAcceptedConnection() {
        RawMqttDevice device = server.enroll("holder");
        Connection holder = server.connected(device);

        server.open().send(device.connect().protocol("MQTT", 5).bytes());

        assertThat(holder.isOpen()).isTrue();
        assertThat(server.services().sessions().size()).isEqualTo(1);
    }
}
