package io.dpsemu.server.it;

import static io.dpsemu.server.rawmqtt.RawMqttPackets.connect;
import static io.dpsemu.server.rawmqtt.RawMqttPackets.pingreq;
import static io.dpsemu.server.rawmqtt.RawMqttPackets.poll;
import static io.dpsemu.server.rawmqtt.RawMqttPackets.publish;
import static io.dpsemu.server.rawmqtt.RawMqttPackets.puback;
import static io.dpsemu.server.rawmqtt.RawMqttPackets.register;
import static io.dpsemu.server.rawmqtt.RawMqttPackets.subscribe;
import static io.dpsemu.server.rawmqtt.RawMqttPackets.subscribeResponses;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import com.fasterxml.jackson.databind.JsonNode;
import io.dpsemu.protocol.enrollment.IndividualEnrollment;
import io.dpsemu.server.DpsServer;
import io.dpsemu.server.rawmqtt.RawMqttClient;
import io.dpsemu.server.rawmqtt.RawMqttDevice;
import io.dpsemu.server.rawmqtt.RawMqttPackets;
import io.dpsemu.server.rawmqtt.RawMqttReply;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttQoS;
import java.io.IOException;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Raw MQTT 3.1.1 bytes over real TLS sockets against a real dpsemu on an ephemeral port: one test
 * per protocol rule a device can break, and the happy path of a C#-style device.
 */
@Timeout(30)
class RawMqttProtocolIT {

    private static final int MAX_POLLS = 50;

    @EphemeralServer
    static DpsServer server;

    @Test
    void connect_whenProtocolLevel3_thenConnack01AndClose() throws IOException {
        RawMqttDevice device = enroll("raw-level-3");
        try (RawMqttClient client = open()) {
            client.send(device.connect().protocol("MQIsdp", 3).bytes());

            assertThat(client.next(MqttMessageType.CONNACK).returnCode()).isEqualTo(0x01);
            assertThat(client.awaitClosedByServer()).isTrue();
        }
    }

    @Test
    void connect_whenProtocolLevel5_thenConnack01AndClose() throws IOException {
        RawMqttDevice device = enroll("raw-level-5");
        try (RawMqttClient client = open()) {
            client.send(device.connect().protocol("MQTT", 5).bytes());

            assertThat(client.next(MqttMessageType.CONNACK).returnCode()).isEqualTo(0x01);
            assertThat(client.awaitClosedByServer()).isTrue();
        }
    }

    @Test
    void connect_whenClientIdDiffersFromUsernameRegistrationId_thenConnack02AndClose() throws IOException {
        RawMqttDevice device = enroll("raw-mismatch");
        try (RawMqttClient client = open()) {
            client.send(connect("raw-someone-else").username(device.username()).password(device.sasToken()).bytes());

            assertThat(client.next(MqttMessageType.CONNACK).returnCode()).isEqualTo(0x02);
            assertThat(client.awaitClosedByServer()).isTrue();
        }
    }

    /**
     * CONNECT flag bytes of MQTT 3.1.1 §3.1.2.3: (case, flags byte, a will in the payload, expected
     * CONNACK return code or -1 for "closed without CONNACK"). Username, password and client id are
     * always a consistent device's; bit 1 (clean session) is set throughout.
     */
    static Stream<Arguments> connectFlags() {
        return Stream.of(
                arguments("reserved bit 0 set", 0xC3, false, -1),
                arguments("will QoS 3", 0xDE, true, -1),
                arguments("will QoS 3 and retain", 0xFE, true, -1),
                arguments("will QoS 1 without the will flag", 0xCA, false, -1),
                arguments("will QoS 2 without the will flag", 0xD2, false, -1),
                arguments("will QoS 3 without the will flag", 0xDA, false, -1),
                arguments("will retain without the will flag", 0xE2, false, -1),
                arguments("password without username", 0x42, false, -1),
                arguments("well-formed will, QoS 0", 0xC6, true, 0),
                arguments("well-formed will, QoS 1 retained", 0xEE, true, 0),
                arguments("well-formed will, QoS 2", 0xD6, true, 0),
                arguments("username and password, no will", 0xC2, false, 0));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("connectFlags")
    void connect_flags_malformedAreClosedWithoutConnack_wellFormedAccepted(String name, int flags, boolean will,
            int expectedReturnCode) throws IOException {
        RawMqttDevice device = enroll("raw-flags-" + Integer.toHexString(flags));
        RawMqttPackets.Connect connect = device.connect().flags(flags);
        if (will) {
            connect.will("devices/" + device.registrationId() + "/will", "gone");
        }
        if ((flags & 0x80) == 0) {
            connect.username(null);
        }
        double malformedBefore = closed("malformed");
        try (RawMqttClient client = open()) {
            client.send(connect.bytes());

            if (expectedReturnCode < 0) {
                assertThat(client.awaitClosedByServer()).as(name).isTrue();
                assertThat(client.pending()).as("packets before the close: no CONNACK").isZero();
                assertThat(closed("malformed")).as("closed as malformed").isEqualTo(malformedBefore + 1);
            } else {
                assertThat(client.next(MqttMessageType.CONNACK).returnCode()).as(name).isEqualTo(expectedReturnCode);
            }
        }
        // whatever the last connection sent, a good device is still served
        try (RawMqttClient good = connected(enroll("raw-flags-after-" + Integer.toHexString(flags)))) {
            good.send(pingreq());
            assertThat(good.next().type()).isEqualTo(MqttMessageType.PINGRESP);
        }
    }

    private static double closed(String reason) {
        var counter = server.meterRegistry().find("dps.connections.closed").tag("reason", reason).counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void subscribe_whenForeignFilter_thenSuback80AndConnectionStaysUsable() throws IOException {
        try (RawMqttClient client = connected(enroll("raw-foreign-sub"))) {
            client.send(subscribe(7, new RawMqttPackets.Subscription("$dps/registrations/#", 1)));

            RawMqttReply subAck = client.next(MqttMessageType.SUBACK);
            assertThat(subAck.packetId()).isEqualTo(7);
            assertThat(subAck.grantedQos()).containsExactly(0x80);
            client.send(pingreq());
            assertThat(client.next().type()).isEqualTo(MqttMessageType.PINGRESP);
        }
    }

    @Test
    void subscribe_whenQos2_thenGrantedQos1() throws IOException {
        try (RawMqttClient client = connected(enroll("raw-qos2-sub"))) {
            client.send(subscribeResponses(3, 2));

            RawMqttReply subAck = client.next(MqttMessageType.SUBACK);
            assertThat(subAck.packetId()).isEqualTo(3);
            assertThat(subAck.grantedQos()).containsExactly(1);
        }
    }

    @Test
    void publish_whenTopicIsNotADpsRequestTopic_thenClose() throws IOException {
        try (RawMqttClient client = connected(enroll("raw-bad-topic"))) {
            client.send(publish("devices/raw-bad-topic/messages/events/", 1, 2, "{}"));

            assertThat(client.awaitClosedByServer()).isTrue();
            assertThat(client.pending()).as("packets before the close").isZero();
        }
    }

    @Test
    void publish_whenQos2_thenClose() throws IOException {
        try (RawMqttClient client = connected(enroll("raw-qos2-pub"))) {
            client.send(register("1", 2, 2, ""));

            assertThat(client.awaitClosedByServer()).isTrue();
            assertThat(client.pending()).as("packets before the close").isZero();
        }
    }

    @Test
    void firstPacket_whenNotConnect_thenClose() throws IOException {
        try (RawMqttClient client = open()) {
            client.send(subscribeResponses(1, 1));

            assertThat(client.awaitClosedByServer()).isTrue();
            assertThat(client.pending()).as("packets before the close").isZero();
        }
    }

    @Test
    void register_whenCSharpStyleDevice_thenPubackThen202ThenPollUntilAssigned() throws IOException {
        RawMqttDevice device = enroll("raw-happy-path");
        assertThat(device.sasToken()).contains("sr=" + server.idScope() + "%2Fregistrations%2Fraw-happy-path")
                .endsWith("&skn=registration");
        try (RawMqttClient client = open()) {
            client.send(device.connect().bytes());
            RawMqttReply connAck = client.next(MqttMessageType.CONNACK);
            assertThat(connAck.returnCode()).isZero();
            assertThat(connAck.sessionPresent()).isFalse();

            client.send(subscribeResponses(1, 1));
            assertThat(client.next(MqttMessageType.SUBACK).grantedQos()).containsExactly(1);

            String rid = UUID.randomUUID().toString();
            client.send(register(rid, 1, 2, ""));
            RawMqttReply first = client.next();
            assertThat(first.type()).as("first answer to the register").isEqualTo(MqttMessageType.PUBACK);
            assertThat(first.packetId()).isEqualTo(2);
            RawMqttReply accepted = acknowledged(client, client.next(MqttMessageType.PUBLISH));
            assertThat(accepted.topic()).isEqualTo("$dps/registrations/res/202/?$rid=" + rid + "&retry-after=3");
            assertThat(accepted.json().path("status").asText()).isEqualTo("assigning");
            String operationId = accepted.json().path("operationId").asText();
            assertThat(operationId).isNotEmpty();

            JsonNode assigned = pollUntilDone(client, operationId);
            assertThat(assigned.path("status").asText()).isEqualTo("assigned");
            assertThat(assigned.path("registrationState").path("registrationId").asText()).isEqualTo("raw-happy-path");
            assertThat(assigned.path("registrationState").path("assignedHub").asText()).isEqualTo("dpsemu-hub.local");
            assertThat(server.store().findRegistration("raw-happy-path")).isPresent();
        }
    }

    /** Polls with fresh small-integer $rids (as C# does) until a 200 arrives; returns its body. */
    private static JsonNode pollUntilDone(RawMqttClient client, String operationId) throws IOException {
        for (int i = 0; i < MAX_POLLS; i++) {
            int packetId = 10 + i;
            client.send(poll(Integer.toString(packetId), operationId, 1, packetId));
            assertThat(client.next(MqttMessageType.PUBACK).packetId()).isEqualTo(packetId);
            RawMqttReply response = acknowledged(client, client.next(MqttMessageType.PUBLISH));
            assertThat(response.rid()).isEqualTo(Integer.toString(packetId));
            if (response.status() == 200) {
                assertThat(response.topic()).isEqualTo("$dps/registrations/res/200/?$rid=" + packetId);
                return response.json();
            }
            assertThat(response.status()).isEqualTo(202);
            sleep();
        }
        throw new AssertionError("still assigning after " + MAX_POLLS + " polls");
    }

    /** Responses to a QoS 1 subscription come at QoS 1; the client acknowledges them, as C# does. */
    private static RawMqttReply acknowledged(RawMqttClient client, RawMqttReply response) throws IOException {
        assertThat(response.qos()).isEqualTo(MqttQoS.AT_LEAST_ONCE);
        client.send(puback(response.packetId()));
        return response;
    }

    private static RawMqttDevice enroll(String registrationId) {
        String key = RawMqttDevice.newKey();
        server.store().putEnrollment(IndividualEnrollment.symmetricKey(registrationId, key, RawMqttDevice.newKey()),
                null);
        return new RawMqttDevice(server.idScope(), registrationId, key);
    }

    private static RawMqttClient open() throws IOException {
        return RawMqttClient.connect(server.mqttPort(), server.caCertificate());
    }

    private static RawMqttClient connected(RawMqttDevice device) throws IOException {
        RawMqttClient client = open();
        client.send(device.connect().bytes());
        assertThat(client.next(MqttMessageType.CONNACK).returnCode()).isZero();
        return client;
    }

    private static void sleep() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
