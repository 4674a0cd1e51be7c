package io.dpsemu.server.it;

import static io.dpsemu.server.rawhttp.RawHttpsClient.request;
import static io.dpsemu.server.rawmqtt.RawMqttPackets.concat;
import static io.dpsemu.server.rawmqtt.RawMqttPackets.poll;
import static io.dpsemu.server.rawmqtt.RawMqttPackets.register;
import static io.dpsemu.server.rawmqtt.RawMqttPackets.subscribeResponses;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import com.fasterxml.jackson.databind.JsonNode;
import io.dpsemu.protocol.enrollment.IndividualEnrollment;
import io.dpsemu.server.DpsServer;
import io.dpsemu.server.rawhttp.RawHttpsClient;
import io.dpsemu.server.rawhttp.RawHttpsClient.Response;
import io.dpsemu.server.rawhttp.WebSocketFrames;
import io.dpsemu.server.rawhttp.WebSocketFrames.Frame;
import io.dpsemu.server.rawhttp.WebSocketMqtt;
import io.dpsemu.server.rawmqtt.RawMqttDevice;
import io.dpsemu.server.rawmqtt.RawMqttReply;
import io.netty.handler.codec.mqtt.MqttMessageType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * MQTT over WebSocket on port 443 with raw bytes over real TLS, against a real dpsemu on an
 * ephemeral port (docs/protocol-notes.md#mqtt-over-websocket): the upgrade each SDK
 * makes, the refusals, and the framing rules of the connection after the 101.
 */
@Timeout(60)
class RawWebSocketIT {

    private static final String HUB = "dpsemu-hub.local";
    private static final int MAX_POLLS = 50;

    @EphemeralServer
    static DpsServer server;

    // --- the upgrade --------------------------------------------------------------------------

    static Stream<Arguments> sdkUpgrades() {
        return Stream.of(
                arguments("/$iothub/websocket", "mqtt"),
                arguments("/$iothub/websocket", "MQTT"),
                arguments("/$iothub/websocket?iothub-no-client-cert=true", "mqtt"),
                arguments("/$iothub/websocket?iothub-no-client-cert=true", "MQTT"),
                arguments("/mqtt", "mqtt"),
                arguments("/mqtt", "MQTT"),
                arguments("/mqtt?x=1", "mqtt"),
                arguments("/mqtt?x=1", "MQTT"),
                arguments("/", "mqtt"),
                arguments("/", "MQTT"),
                arguments("/?a=b&c", "mqtt"),
                arguments("/?a=b&c", "MQTT"));
    }

    @ParameterizedTest(name = "upgrade_whenPathIs ''{0}'' AndSubprotocol ''{1}''_then101Echoing ''{1}''")
    @MethodSource("sdkUpgrades")
    void upgrade_whenSdkPathAndSubprotocolInEitherCase_then101EchoingClientSpelling(String target, String subprotocol)
            throws IOException {
        String key = WebSocketFrames.newKey();
        try (RawHttpsClient client = open()) {
            Response response = client.exchange(client.webSocketUpgrade(target, key)
                    .header("Sec-WebSocket-Protocol", subprotocol));

            assertSwitched(response, key, subprotocol);
        }
    }

    @Test
    void upgrade_whenPathIsMqttAndSubprotocolUpperCase_then101EchoesMQTT() throws IOException {
        String key = WebSocketFrames.newKey();
        try (RawHttpsClient client = open()) {
            Response response = client.exchange(client.webSocketUpgrade("/mqtt", key)
                    .header("Sec-WebSocket-Protocol", "MQTT"));

            assertSwitched(response, key, "MQTT");
            assertThat(response.headers("Sec-WebSocket-Protocol")).containsExactly("MQTT");
        }
    }

    @Test
    void upgrade_whenSeveralSubprotocolsOffered_thenMqttSelectedInClientSpelling() throws IOException {
        String key = WebSocketFrames.newKey();
        try (RawHttpsClient client = open()) {
            Response response = client.exchange(client.webSocketUpgrade("/$iothub/websocket", key)
                    .header("Sec-WebSocket-Protocol", "wamp, Mqtt, mqttv3.1"));

            assertSwitched(response, key, "Mqtt");
        }
    }

    @Test
    void upgrade_whenPermessageDeflateOffered_then101WithoutExtensionsAndUncompressedFrames() throws IOException {
        RawMqttDevice device = enroll("ws-deflate");
        String key = WebSocketFrames.newKey();
        try (RawHttpsClient client = open()) {
            Response response = client.exchange(client.webSocketUpgrade("/$iothub/websocket", key)
                    .header("Sec-WebSocket-Protocol", "mqtt")
                    .header("Sec-WebSocket-Extensions", "permessage-deflate; client_max_window_bits"));

            assertSwitched(response, key, "mqtt");
            assertThat(response.header("Sec-WebSocket-Extensions")).isNull();
            try (WebSocketMqtt mqtt = new WebSocketMqtt(client)) {
                mqtt.send(device.connect().bytes());
                assertThat(mqtt.next(MqttMessageType.CONNACK).returnCode()).isZero();
                assertThat(mqtt.lastFrame().reserved()).as("RSV bits of the CONNACK frame").isZero();
            }
        }
    }

    @Test
    void upgrade_whenOriginHeaderPresent_then101() throws IOException {
        String key = WebSocketFrames.newKey();
        try (RawHttpsClient client = open()) {
            Response response = client.exchange(client.webSocketUpgrade("/mqtt", key)
                    .header("Sec-WebSocket-Protocol", "mqtt")
                    .header("Origin", "https://example.com"));

            assertSwitched(response, key, "mqtt");
        }
    }

    // --- full MQTT flows ----------------------------------------------------------------------

    /** Each SDK's real request: C, Node/Python (with the hub clients' query), Java (Paho), C#. */
    static Stream<Arguments> sdkFlows() {
        return Stream.of(
                arguments("C", "/$iothub/websocket", "MQTT"),
                arguments("Node", "/$iothub/websocket?iothub-no-client-cert=true", "mqtt"),
                arguments("Java", "/mqtt", "mqtt"),
                arguments("CSharp", "/", "mqtt"));
    }

    @ParameterizedTest(name = "{0}: {1} {2}")
    @MethodSource("sdkFlows")
    void register_whenMqttOverWebSocket_thenConnackSubackPubackThen202ThenPollUntilAssigned(String sdk, String target,
            String subprotocol) throws IOException {
        RawMqttDevice device = enroll("ws-flow-" + sdk.toLowerCase());
        try (RawHttpsClient client = open(); WebSocketMqtt mqtt = upgraded(client, target, subprotocol)) {
            mqtt.send(device.connect().bytes());
            RawMqttReply connAck = mqtt.next(MqttMessageType.CONNACK);
            assertThat(connAck.returnCode()).isZero();
            assertThat(connAck.sessionPresent()).isFalse();
            assertThat(mqtt.lastFrame().opcode()).as("server frames are binary").isEqualTo(WebSocketFrames.BINARY);
            assertThat(mqtt.lastFrame().masked()).as("server frames are not masked").isFalse();

            mqtt.send(subscribeResponses(1, 1));
            RawMqttReply subAck = mqtt.next(MqttMessageType.SUBACK);
            assertThat(subAck.packetId()).isEqualTo(1);
            assertThat(subAck.grantedQos()).containsExactly(1);

            String rid = UUID.randomUUID().toString();
            mqtt.send(register(rid, 1, 2, "{\"registrationId\":\"" + device.registrationId() + "\"}"));
            RawMqttReply first = mqtt.next();
            assertThat(first.type()).as("first answer to the register").isEqualTo(MqttMessageType.PUBACK);
            assertThat(first.packetId()).isEqualTo(2);
            RawMqttReply accepted = mqtt.acknowledged(mqtt.next(MqttMessageType.PUBLISH));
            assertThat(accepted.topic()).isEqualTo("$dps/registrations/res/202/?$rid=" + rid + "&retry-after=3");
            assertThat(accepted.json().path("status").asText()).isEqualTo("assigning");
            String operationId = accepted.json().path("operationId").asText();
            assertThat(operationId).isNotEmpty();

            JsonNode assigned = pollUntilDone(mqtt, operationId);
            assertThat(assigned.path("operationId").asText()).isEqualTo(operationId);
            assertThat(assigned.path("status").asText()).isEqualTo("assigned");
            JsonNode state = assigned.path("registrationState");
            assertThat(state.path("registrationId").asText()).isEqualTo(device.registrationId());
            assertThat(state.path("assignedHub").asText()).isEqualTo(HUB);
            assertThat(state.path("deviceId").asText()).isEqualTo(device.registrationId());
            assertThat(state.path("substatus").asText()).isEqualTo("initialAssignment");
            assertThat(server.store().findRegistration(device.registrationId())).isPresent();
        }
    }

    // --- refusals -----------------------------------------------------------------------------

    @Test
    void upgrade_whenPathUnknown_then404AndClose() throws IOException {
        try (RawHttpsClient client = open()) {
            Response response = client.exchange(client.webSocketUpgrade("/$iothub/other", WebSocketFrames.newKey())
                    .header("Sec-WebSocket-Protocol", "mqtt"));

            assertRefused(client, response, 404);
        }
    }

    @Test
    void upgrade_whenNoSubprotocol_then400AndClose() throws IOException {
        try (RawHttpsClient client = open()) {
            Response response =
                    client.exchange(client.webSocketUpgrade("/$iothub/websocket", WebSocketFrames.newKey()));

            assertRefused(client, response, 400);
            assertThat(response.json().path("message").asText()).contains("mqtt");
        }
    }

    @Test
    void upgrade_whenSubprotocolIsNotMqtt_then400AndClose() throws IOException {
        try (RawHttpsClient client = open()) {
            Response response = client.exchange(client.webSocketUpgrade("/mqtt", WebSocketFrames.newKey())
                    .header("Sec-WebSocket-Protocol", "amqpwsb10, mqttv3.1"));

            assertRefused(client, response, 400);
            assertThat(response.header("Sec-WebSocket-Accept")).isNull();
        }
    }

    @Test
    void upgrade_whenVersion8_then426WithVersion13AndClose() throws IOException {
        try (RawHttpsClient client = open()) {
            Response response = client.exchange(request("GET", "/$iothub/websocket")
                    .header("Host", client.host())
                    .header("Upgrade", "websocket")
                    .header("Connection", "Upgrade")
                    .header("Sec-WebSocket-Key", WebSocketFrames.newKey())
                    .header("Sec-WebSocket-Version", "8")
                    .header("Sec-WebSocket-Protocol", "mqtt"));

            assertThat(response.status()).isEqualTo(426);
            assertThat(response.header("Sec-WebSocket-Version")).isEqualTo("13");
            assertThat(response.header("Content-Type")).isEqualTo("application/json; charset=utf-8");
            assertThat(response.json().path("errorCode").asInt()).isPositive();
            assertThat(response.header("Sec-WebSocket-Accept")).isNull();
            assertThat(client.awaitClosedByServer()).isTrue();
        }
    }

    @Test
    void upgrade_whenKeyMissing_then400AndClose() throws IOException {
        try (RawHttpsClient client = open()) {
            Response response = client.exchange(request("GET", "/$iothub/websocket")
                    .header("Host", client.host())
                    .header("Upgrade", "websocket")
                    .header("Connection", "Upgrade")
                    .header("Sec-WebSocket-Version", "13")
                    .header("Sec-WebSocket-Protocol", "mqtt"));

            assertRefused(client, response, 400);
        }
    }

    @Test
    void upgrade_whenConnectionHeaderMissing_then400AndClose() throws IOException {
        try (RawHttpsClient client = open()) {
            Response response = client.exchange(request("GET", "/$iothub/websocket")
                    .header("Host", client.host())
                    .header("Upgrade", "websocket")
                    .header("Sec-WebSocket-Key", WebSocketFrames.newKey())
                    .header("Sec-WebSocket-Version", "13")
                    .header("Sec-WebSocket-Protocol", "mqtt"));

            assertRefused(client, response, 400);
        }
    }

    @Test
    void upgrade_whenMethodIsPost_then400AndClose() throws IOException {
        try (RawHttpsClient client = open()) {
            Response response = client.exchange(request("POST", "/mqtt")
                    .header("Host", client.host())
                    .header("Upgrade", "websocket")
                    .header("Connection", "Upgrade")
                    .header("Sec-WebSocket-Key", WebSocketFrames.newKey())
                    .header("Sec-WebSocket-Version", "13")
                    .header("Sec-WebSocket-Protocol", "mqtt")
                    .body("{}"));

            assertRefused(client, response, 400);
        }
    }

    // --- after the upgrade --------------------------------------------------------------------

    @Test
    void frame_whenText_thenClose1003AndConnectionClosed() throws IOException {
        try (RawHttpsClient client = open()) {
            upgradeTo(client, "/$iothub/websocket", "mqtt");
            client.sendFrame(WebSocketFrames.text("{\"hello\":1}"));

            Frame close = client.readFrame();
            assertThat(close.opcode()).isEqualTo(WebSocketFrames.CLOSE);
            assertThat(close.closeCode()).isEqualTo(1003);
            assertThat(client.awaitClosedByServer()).isTrue();
        }
    }

    @Test
    void frame_whenUnmasked_thenClose1002AndConnectionClosed() throws IOException {
        RawMqttDevice device = enroll("ws-unmasked");
        try (RawHttpsClient client = open()) {
            upgradeTo(client, "/$iothub/websocket", "mqtt");
            client.sendFrame(WebSocketFrames.unmasked(true, WebSocketFrames.BINARY, device.connect().bytes()));

            Frame close = client.readFrame();
            assertThat(close.opcode()).as("no CONNACK for an unmasked CONNECT").isEqualTo(WebSocketFrames.CLOSE);
            assertThat(close.closeCode()).isEqualTo(1002);
            assertThat(client.awaitClosedByServer()).isTrue();
        }
    }

    @Test
    void frame_whenReservedOpcode_thenClose1002AndConnectionClosed() throws IOException {
        try (RawHttpsClient client = open()) {
            upgradeTo(client, "/$iothub/websocket", "mqtt");
            client.sendFrame(WebSocketFrames.masked(true, 0x3, new byte[] {1, 2, 3}));

            Frame close = client.readFrame();
            assertThat(close.opcode()).isEqualTo(WebSocketFrames.CLOSE);
            assertThat(close.closeCode()).isEqualTo(1002);
            assertThat(client.awaitClosedByServer()).isTrue();
        }
    }

    @Test
    void frame_whenPayloadOverTheMaximum_thenClose1009AndConnectionClosed() throws IOException {
        try (RawHttpsClient client = open()) {
            upgradeTo(client, "/$iothub/websocket", "mqtt");
            // the header declares 1 MB; the server must refuse at the header without waiting for the bytes
            byte[] header = {(byte) 0x82, (byte) (0x80 | 127), 0, 0, 0, 0, 0, 0x10, 0, 0, 1, 2, 3, 4};
            client.send(header);

            Frame close = client.readFrame();
            assertThat(close.opcode()).isEqualTo(WebSocketFrames.CLOSE);
            assertThat(close.closeCode()).isEqualTo(1009);
            assertThat(client.awaitClosedByServer()).isTrue();
        }
    }

    @Test
    void frame_whenClose_thenCloseEchoedAndConnectionClosed() throws IOException {
        RawMqttDevice device = enroll("ws-close");
        try (RawHttpsClient client = open(); WebSocketMqtt mqtt = upgraded(client, "/mqtt", "mqtt")) {
            mqtt.send(device.connect().bytes());
            assertThat(mqtt.next(MqttMessageType.CONNACK).returnCode()).isZero();

            client.sendFrame(WebSocketFrames.close(1000));

            Frame close = client.readFrame();
            assertThat(close.opcode()).isEqualTo(WebSocketFrames.CLOSE);
            assertThat(close.closeCode()).isEqualTo(1000);
            assertThat(client.awaitClosedByServer()).isTrue();
        }
    }

    @Test
    void connect_whenSplitOverBinaryAndContinuationFrames_thenConnack() throws IOException {
        RawMqttDevice device = enroll("ws-split-continuation");
        byte[] connect = device.connect().bytes();
        int a = connect.length / 3;
        int b = 2 * connect.length / 3;
        try (RawHttpsClient client = open(); WebSocketMqtt mqtt = upgraded(client, "/$iothub/websocket", "mqtt")) {
            client.sendFrame(WebSocketFrames.binary(false, Arrays.copyOfRange(connect, 0, a)));
            client.sendFrame(WebSocketFrames.continuation(false, Arrays.copyOfRange(connect, a, b)));
            client.sendFrame(WebSocketFrames.continuation(true, Arrays.copyOfRange(connect, b, connect.length)));

            assertThat(mqtt.next(MqttMessageType.CONNACK).returnCode()).isZero();
        }
    }

    @Test
    void connect_whenSplitOverThreeSeparateBinaryFrames_thenConnack() throws IOException {
        RawMqttDevice device = enroll("ws-split-binary");
        byte[] connect = device.connect().bytes();
        int a = connect.length / 3;
        int b = 2 * connect.length / 3;
        try (RawHttpsClient client = open(); WebSocketMqtt mqtt = upgraded(client, "/$iothub/websocket", "mqtt")) {
            client.sendFrame(WebSocketFrames.binary(Arrays.copyOfRange(connect, 0, a)));
            client.sendFrame(WebSocketFrames.binary(Arrays.copyOfRange(connect, a, b)));
            client.sendFrame(WebSocketFrames.binary(Arrays.copyOfRange(connect, b, connect.length)));

            assertThat(mqtt.next(MqttMessageType.CONNACK).returnCode()).isZero();
        }
    }

    @Test
    void connectAndSubscribe_whenInOneFrame_thenBothAnswered() throws IOException {
        RawMqttDevice device = enroll("ws-merged");
        try (RawHttpsClient client = open(); WebSocketMqtt mqtt = upgraded(client, "/", "mqtt")) {
            client.sendFrame(WebSocketFrames.binary(concat(device.connect().bytes(), subscribeResponses(5, 1))));

            assertThat(mqtt.next(MqttMessageType.CONNACK).returnCode()).isZero();
            RawMqttReply subAck = mqtt.next(MqttMessageType.SUBACK);
            assertThat(subAck.packetId()).isEqualTo(5);
            assertThat(subAck.grantedQos()).containsExactly(1);
        }
    }

    @Test
    void frame_whenPing_thenPongWithSamePayload() throws IOException {
        RawMqttDevice device = enroll("ws-ping");
        byte[] payload = "are-you-there".getBytes(StandardCharsets.US_ASCII);
        try (RawHttpsClient client = open(); WebSocketMqtt mqtt = upgraded(client, "/$iothub/websocket", "mqtt")) {
            mqtt.send(device.connect().bytes());
            assertThat(mqtt.next(MqttMessageType.CONNACK).returnCode()).isZero();

            client.sendFrame(WebSocketFrames.ping(payload));

            Frame pong = client.readFrame();
            assertThat(pong.opcode()).isEqualTo(WebSocketFrames.PONG);
            assertThat(pong.payload()).isEqualTo(payload);
            assertThat(pong.masked()).isFalse();
            mqtt.send(subscribeResponses(2, 1));
            assertThat(mqtt.next(MqttMessageType.SUBACK).packetId()).as("still usable after the ping").isEqualTo(2);
        }
    }

    // --- helpers ------------------------------------------------------------------------------

    private static void upgradeTo(RawHttpsClient client, String target, String subprotocol) throws IOException {
        String key = WebSocketFrames.newKey();
        Response response = client.exchange(client.webSocketUpgrade(target, key)
                .header("Sec-WebSocket-Protocol", subprotocol));
        assertSwitched(response, key, subprotocol);
    }

    private static WebSocketMqtt upgraded(RawHttpsClient client, String target, String subprotocol) throws IOException {
        upgradeTo(client, target, subprotocol);
        return new WebSocketMqtt(client);
    }

    private static void assertSwitched(Response response, String key, String subprotocol) {
        assertThat(response.status()).as("%s", response).isEqualTo(101);
        // tokens are case-insensitive (RFC 7230); Paho needs the space after the colon
        // (docs/protocol-notes.md#mqtt-over-websocket)
        assertThat(response.header("Upgrade")).isEqualToIgnoringCase("websocket");
        assertThat(response.header("Connection")).isEqualToIgnoringCase("Upgrade");
        assertThat(response.headerLines()).anySatisfy(line -> assertThat(line).matches("(?i)connection: upgrade"));
        assertThat(response.header("Sec-WebSocket-Accept")).isEqualTo(WebSocketFrames.expectedAccept(key));
        assertThat(response.header("Sec-WebSocket-Protocol")).isEqualTo(subprotocol);
    }

    private static void assertRefused(RawHttpsClient client, Response response, int status) throws IOException {
        assertThat(response.status()).as("%s", response).isEqualTo(status);
        assertThat(response.header("Content-Type")).isEqualTo("application/json; charset=utf-8");
        int errorCode = response.json().path("errorCode").asInt();
        assertThat(errorCode / 1000).isEqualTo(status);
        assertThat(response.header("x-ms-error-code")).isEqualTo(Integer.toString(errorCode));
        assertThat(response.header("Connection")).isEqualToIgnoringCase("close");
        assertThat(response.header("Sec-WebSocket-Accept")).isNull();
        assertThat(client.awaitClosedByServer()).isTrue();
    }

    private static JsonNode pollUntilDone(WebSocketMqtt mqtt, String operationId) throws IOException {
        for (int i = 0; i < MAX_POLLS; i++) {
            int packetId = 10 + i;
            mqtt.send(poll(Integer.toString(packetId), operationId, 1, packetId));
            assertThat(mqtt.next(MqttMessageType.PUBACK).packetId()).isEqualTo(packetId);
            RawMqttReply response = mqtt.acknowledged(mqtt.next(MqttMessageType.PUBLISH));
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

    private static RawMqttDevice enroll(String registrationId) {
        String key = RawMqttDevice.newKey();
        server.store().putEnrollment(IndividualEnrollment.symmetricKey(registrationId, key, RawMqttDevice.newKey()),
                null);
        return new RawMqttDevice(server.idScope(), registrationId, key);
    }

    private static RawHttpsClient open() throws IOException {
        return RawHttpsClient.connect(server.httpsPort(), server.caCertificate());
    }

    private static void sleep() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
