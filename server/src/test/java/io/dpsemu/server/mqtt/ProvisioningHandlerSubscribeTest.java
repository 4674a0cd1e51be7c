package io.dpsemu.server.mqtt;

import static io.dpsemu.server.rawmqtt.RawMqttPackets.disconnect;
import static io.dpsemu.server.rawmqtt.RawMqttPackets.hex;
import static io.dpsemu.server.rawmqtt.RawMqttPackets.pingreq;
import static io.dpsemu.server.rawmqtt.RawMqttPackets.puback;
import static io.dpsemu.server.rawmqtt.RawMqttPackets.subscribe;
import static io.dpsemu.server.rawmqtt.RawMqttPackets.subscribeResponses;
import static io.dpsemu.server.rawmqtt.RawMqttPackets.unsubscribe;
import static org.assertj.core.api.Assertions.assertThat;

import io.dpsemu.protocol.topic.DpsTopics;
import io.dpsemu.server.metrics.CloseReason;
import io.dpsemu.server.rawmqtt.RawMqttEmbeddedServer;
import io.dpsemu.server.rawmqtt.RawMqttEmbeddedServer.Connection;
import io.dpsemu.server.rawmqtt.RawMqttPackets.Subscription;
import io.dpsemu.server.rawmqtt.RawMqttReply;
import io.netty.handler.codec.mqtt.MqttMessageType;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** SUBSCRIBE, UNSUBSCRIBE, PINGREQ, PUBACK and DISCONNECT after an accepted CONNECT. */
class ProvisioningHandlerSubscribeTest {

    private static final int REFUSED = 0x80;

    private final RawMqttEmbeddedServer server = RawMqttEmbeddedServer.start();
    private Connection connection;

    @BeforeEach
    void connect() {
        connection = server.connected(server.enroll("subscriber"));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @ParameterizedTest(name = "QoS {0} -> granted {1}")
    @CsvSource({"0, 0", "1, 1", "2, 1"})
    void subscribe_whenDpsResponseFilter_thenSubackWithSamePacketIdAndQosAtMost1(int requested, int granted) {
        List<RawMqttReply> replies = connection.send(subscribeResponses(42, requested));

        assertThat(replies).singleElement().satisfies(subAck -> {
            assertThat(subAck.type()).isEqualTo(MqttMessageType.SUBACK);
            assertThat(subAck.packetId()).isEqualTo(42);
            assertThat(subAck.grantedQos()).containsExactly(granted);
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "$dps/registrations/res/+",
        "$dps/registrations/res/202/#",
        "$dps/#",
        "#",
        "$dps/registrations/PUT/iotdps-register/#",
        "devices/subscriber/messages/devicebound/#"})
    void subscribe_whenAnyOtherFilter_thenSuback80(String filter) {
        List<RawMqttReply> replies = connection.send(subscribe(7, new Subscription(filter, 1)));

        assertThat(replies).singleElement().satisfies(subAck -> {
            assertThat(subAck.packetId()).isEqualTo(7);
            assertThat(subAck.grantedQos()).containsExactly(REFUSED);
        });
        assertThat(connection.isOpen()).isTrue();
    }

    @Test
    void subscribe_whenMixedList_thenOneCodePerFilterInOrder() {
        List<RawMqttReply> replies = connection.send(subscribe(9,
                new Subscription("$iothub/twin/res/#", 1),
                new Subscription(DpsTopics.SUBSCRIBE_FILTER, 2),
                new Subscription("#", 0),
                new Subscription(DpsTopics.SUBSCRIBE_FILTER, 0)));

        assertThat(replies).singleElement()
                .satisfies(subAck -> assertThat(subAck.grantedQos()).containsExactly(REFUSED, 1, REFUSED, 0));
    }

    @Test
    void subscribe_whenQos3_thenClose() {
        List<RawMqttReply> replies = connection.send(subscribe(3, new Subscription(DpsTopics.SUBSCRIBE_FILTER, 3)));

        assertThat(replies).isEmpty();
        assertThat(connection.isOpen()).isFalse();
        assertThat(server.closedCount(CloseReason.MALFORMED)).isEqualTo(1.0);
    }

    @Test
    void unsubscribe_thenUnsubackWithSamePacketId() {
        connection.send(subscribeResponses(1, 1));

        List<RawMqttReply> replies = connection.send(unsubscribe(2, DpsTopics.SUBSCRIBE_FILTER));

        assertThat(replies).singleElement().satisfies(unsubAck -> {
            assertThat(unsubAck.type()).isEqualTo(MqttMessageType.UNSUBACK);
            assertThat(unsubAck.packetId()).isEqualTo(2);
        });
    }

    @Test
    void pingreq_thenPingresp() {
        List<RawMqttReply> replies = connection.send(pingreq());

        assertThat(replies).singleElement()
                .satisfies(pingResp -> assertThat(pingResp.type()).isEqualTo(MqttMessageType.PINGRESP));
    }

    @Test
    void disconnect_thenClose() {
        List<RawMqttReply> replies = connection.send(disconnect());

        assertThat(replies).isEmpty();
        assertThat(connection.isOpen()).isFalse();
        assertThat(server.services().sessions().size()).isZero();
    }

    @Test
    void disconnect_whenBytesFollowInTheSameBuffer_thenTheyAreIgnored() {
        List<RawMqttReply> replies = connection.send(hex("E0 00 C0 00"));

        assertThat(replies).as("no PINGRESP for the PINGREQ after DISCONNECT").isEmpty();
        assertThat(connection.isOpen()).isFalse();
    }

    @Test
    void puback_whenPacketIdIsUnknown_thenToleratedAndConnectionStaysUsable() {
        List<RawMqttReply> replies = connection.send(puback(4711), pingreq());

        assertThat(replies).singleElement()
                .satisfies(pingResp -> assertThat(pingResp.type()).isEqualTo(MqttMessageType.PINGRESP));
        assertThat(connection.isOpen()).isTrue();
    }
}
