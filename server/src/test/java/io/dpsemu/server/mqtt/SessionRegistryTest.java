package io.dpsemu.server.mqtt;

import static io.dpsemu.server.rawmqtt.RawMqttPackets.concat;
import static io.dpsemu.server.rawmqtt.RawMqttPackets.connect;
import static io.dpsemu.server.rawmqtt.RawMqttPackets.pingreq;
import static io.dpsemu.server.rawmqtt.RawMqttPackets.register;
import static io.dpsemu.server.rawmqtt.RawMqttPackets.subscribeResponses;
import static org.assertj.core.api.Assertions.assertThat;

import io.dpsemu.server.metrics.CloseReason;
import io.dpsemu.server.rawmqtt.RawMqttDevice;
import io.dpsemu.server.rawmqtt.RawMqttEmbeddedServer;
import io.dpsemu.server.rawmqtt.RawMqttEmbeddedServer.Connection;
import io.dpsemu.server.rawmqtt.RawMqttReply;
import io.netty.handler.codec.mqtt.MqttMessageType;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * One connection per client id: a newer CONNECT takes over (MQTT 3.1.1 §3.1.4), but only once its
 * credentials prove the identity of the live connection it would close.
 */
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
    void secondConnection_withAWrongKey_isRefusedWithConnack5AndTheFirstStays() {
        RawMqttDevice device = server.enroll("held");
        Connection holder = server.connected(device);
        Connection impostor = server.open();

        List<RawMqttReply> replies = impostor.send(impostorOf(device).connect().bytes());

        assertThat(replies).singleElement().satisfies(connAck -> assertThat(connAck.returnCode()).isEqualTo(5));
        assertThat(impostor.isOpen()).isFalse();
        assertThat(holder.isOpen()).isTrue();
        assertThat(holder.send(pingreq())).singleElement()
                .satisfies(pingResp -> assertThat(pingResp.type()).isEqualTo(MqttMessageType.PINGRESP));
        assertThat(server.closedCount(CloseReason.TAKEN_OVER)).isZero();
    }

    @Test
    void secondConnection_withoutCredentials_isRefusedWithConnack5() {
        RawMqttDevice device = server.enroll("held-no-password");
        Connection holder = server.connected(device);

        List<RawMqttReply> replies = server.open().send(connect(device.registrationId()).username(device.username())
                .bytes());

        assertThat(replies).singleElement().satisfies(connAck -> assertThat(connAck.returnCode()).isEqualTo(5));
        assertThat(holder.isOpen()).isTrue();
    }

    @Test
    void packetsSentRightAfterConnect_whileTheTakeoverIsVerified_areAnsweredAfterTheConnack() {
        RawMqttDevice device = server.enroll("pipelined");
        server.connected(device);

        List<RawMqttReply> replies = server.open().send(concat(device.connect().bytes(), subscribeResponses(1, 1),
                pingreq()));

        assertThat(replies).extracting(RawMqttReply::type)
                .containsExactly(MqttMessageType.CONNACK, MqttMessageType.SUBACK, MqttMessageType.PINGRESP);
        assertThat(replies.get(0).returnCode()).isZero();
    }

    @Test
    void packetsSentRightAfterARefusedConnect_areNotActedOn() {
        RawMqttDevice device = server.enroll("pipelined-impostor");
        server.connected(device);

        List<RawMqttReply> replies = server.open().send(concat(impostorOf(device).connect().bytes(),
                subscribeResponses(1, 1), register("1", 0, 0, "{}")));

        assertThat(replies).singleElement().satisfies(connAck -> assertThat(connAck.returnCode()).isEqualTo(5));
    }

    @Test
    void takeover_whenTheHolderClosesDuringTheVerification_thenTheNewcomerIsAccepted() {
        RawMqttDevice device = server.enroll("holder-leaves");
        Connection holder = server.connected(device);
        Connection newcomer = server.open();

        server.whileStorePaused(() -> {
            newcomer.feed(device.connect().bytes());
            holder.channel().close();
        });
        List<RawMqttReply> replies = newcomer.runTasks();

        assertThat(replies).singleElement().satisfies(connAck -> assertThat(connAck.returnCode()).isZero());
        assertThat(server.closedCount(CloseReason.TAKEN_OVER)).isZero();
        assertThat(server.services().sessions().size()).isEqualTo(1);
    }

    @Test
    void takeover_byTwoNewcomersAtOnce_thenTheImpostorIsRefusedAndTheDeviceHoldsTheId() {
        RawMqttDevice device = server.enroll("contested");
        Connection holder = server.connected(device);
        Connection impostor = server.open();
        Connection newcomer = server.open();

        server.whileStorePaused(() -> {
            impostor.feed(impostorOf(device).connect().bytes());
            newcomer.feed(device.connect().bytes());
        });
        List<RawMqttReply> toImpostor = impostor.runTasks();
        List<RawMqttReply> toNewcomer = newcomer.runTasks();

        assertThat(toImpostor).singleElement().satisfies(connAck -> assertThat(connAck.returnCode()).isEqualTo(5));
        assertThat(toNewcomer).singleElement().satisfies(connAck -> assertThat(connAck.returnCode()).isZero());
        assertThat(holder.isOpen()).isFalse();
        assertThat(newcomer.isOpen()).isTrue();
        assertThat(server.services().sessions().size()).isEqualTo(1);
    }

    @Test
    void takeover_byTwoProvenNewcomersAtOnce_thenTheLastVerifiedHoldsTheId() {
        RawMqttDevice device = server.enroll("twice-proven");
        Connection holder = server.connected(device);
        Connection first = server.open();
        Connection second = server.open();

        server.whileStorePaused(() -> {
            first.feed(device.connect().bytes());
            second.feed(device.connect().bytes());
        });
        first.runTasks();
        second.runTasks();

        assertThat(holder.isOpen()).isFalse();
        assertThat(first.isOpen()).as("taken over by the second").isFalse();
        assertThat(second.isOpen()).isTrue();
        assertThat(server.closedCount(CloseReason.TAKEN_OVER)).isEqualTo(2.0);
        assertThat(server.services().sessions().size()).isEqualTo(1);
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

    private static RawMqttDevice impostorOf(RawMqttDevice device) {
        return new RawMqttDevice(device.idScope(), device.registrationId(), RawMqttDevice.newKey());
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
