package io.dpsemu.server.mqtt;

import static io.dpsemu.server.rawmqtt.RawMqttPackets.concat;
import static io.dpsemu.server.rawmqtt.RawMqttPackets.connect;
import static io.dpsemu.server.rawmqtt.RawMqttPackets.register;
import static io.dpsemu.server.rawmqtt.RawMqttPackets.subscribeResponses;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.dpsemu.server.channel.HandlerNames;
import io.dpsemu.server.metrics.CloseReason;
import io.dpsemu.server.rawmqtt.RawMqttDevice;
import io.dpsemu.server.rawmqtt.RawMqttEmbeddedServer;
import io.dpsemu.server.rawmqtt.RawMqttEmbeddedServer.Connection;
import io.dpsemu.server.rawmqtt.RawMqttReply;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.timeout.IdleStateHandler;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * CONNECT handling in the full MQTT pipeline: what is accepted, what is refused, what a refusal looks
 * like, and the idle timeout an accepted connection gets before and after it authenticates.
 */
class ConnectHandlerTest {

    private static final int CONNACK_UNACCEPTABLE_PROTOCOL = 0x01;
    private static final int CONNACK_IDENTIFIER_REJECTED = 0x02;
    private static final int CONNACK_BAD_USERNAME_OR_PASSWORD = 0x04;

    private RawMqttEmbeddedServer server = RawMqttEmbeddedServer.start();

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void connect_whenProtocolLevel4_thenConnack0AndSessionPresent0() {
        RawMqttDevice device = server.enroll("level-4");
        Connection connection = server.open();

        List<RawMqttReply> replies = connection.send(device.connect().bytes());

        assertThat(replies).singleElement().satisfies(connAck -> {
            assertThat(connAck.type()).isEqualTo(MqttMessageType.CONNACK);
            assertThat(connAck.returnCode()).isZero();
            assertThat(connAck.sessionPresent()).isFalse();
        });
        assertThat(connection.isOpen()).isTrue();
        assertThat(connection.channel().pipeline().get(HandlerNames.CONNECT)).as("removed once accepted").isNull();
    }

    @Test
    void connect_whenCleanSession0_thenAcceptedWithSessionPresent0() {
        RawMqttDevice device = server.enroll("java-sdk-style");

        List<RawMqttReply> replies = server.open().send(device.connect().cleanSession(false).bytes());

        assertThat(replies).singleElement().satisfies(connAck -> {
            assertThat(connAck.returnCode()).isZero();
            assertThat(connAck.sessionPresent()).isFalse();
        });
    }

    @Test
    void connect_whenCleanSession0InStrictMode_thenConnack02AndClose() {
        server.close();
        server = RawMqttEmbeddedServer.builder().strictCleanSession().start();
        RawMqttDevice device = server.enroll("strict");

        assertRefused(server.open(), device.connect().cleanSession(false).bytes(), CONNACK_IDENTIFIER_REJECTED);
    }

    @Test
    void connect_whenCleanSession1InStrictMode_thenAccepted() {
        server.close();
        server = RawMqttEmbeddedServer.builder().strictCleanSession().start();
        RawMqttDevice device = server.enroll("strict-clean");

        assertThat(server.open().send(device.connect().bytes()))
                .singleElement()
                .satisfies(connAck -> assertThat(connAck.returnCode()).isZero());
    }

    static Stream<Arguments> unsupportedProtocols() {
        return Stream.of(
                arguments("MQIsdp", 3),
                arguments("MQTT", 5),
                arguments("MQTT", 6),
                arguments("MQTT", 3),
                arguments("MQIsdp", 4));
    }

    @ParameterizedTest(name = "{0} level {1}")
    @MethodSource("unsupportedProtocols")
    void connect_whenProtocolIsNot311_thenConnack01AndClose(String protocolName, int level) {
        RawMqttDevice device = server.enroll("old-or-new");

        assertRefused(server.open(), device.connect().protocol(protocolName, level).bytes(),
                CONNACK_UNACCEPTABLE_PROTOCOL);
    }

    @Test
    void connect_whenUsernameMissing_thenConnack04AndClose() {
        RawMqttDevice device = server.enroll("no-username");

        assertRefused(server.open(), connect(device.registrationId()).bytes(), CONNACK_BAD_USERNAME_OR_PASSWORD);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "",
        "garbage",
        "0ne00EMBED1/devices/unparsable/api-version=2019-03-31",
        "/registrations/unparsable/api-version=2019-03-31",
        "0ne00EMBED1/registrations/unparsable"})
    void connect_whenUsernameUnparsable_thenConnack04AndClose(String username) {
        assertRefused(server.open(), connect("unparsable").username(username).password("x").bytes(),
                CONNACK_BAD_USERNAME_OR_PASSWORD);
    }

    @Test
    void connect_whenClientIdDiffersFromUsernameRegistrationId_thenConnack02AndClose() {
        RawMqttDevice device = server.enroll("named-in-username");
        byte[] connect = connect("someone-else").username(device.username()).password(device.sasToken()).bytes();

        assertRefused(server.open(), connect, CONNACK_IDENTIFIER_REJECTED);
    }

    @Test
    void connect_whenClientIdDiffersOnlyInCase_thenAccepted() {
        RawMqttDevice device = server.enroll("Mixed-Case-Device");
        byte[] connect = connect("mixed-case-device").username(device.username()).password(device.sasToken()).bytes();

        assertThat(server.open().send(connect))
                .singleElement()
                .satisfies(connAck -> assertThat(connAck.returnCode()).isZero());
    }

    @Test
    void connect_whenAValidConnectFollowsARefusedOneInTheSameBuffer_thenItIsIgnored() {
        RawMqttDevice device = server.enroll("established");
        Connection established = server.connected(device);
        Connection intruder = server.open();

        List<RawMqttReply> replies = intruder.send(
                concat(device.connect().protocol("MQTT", 5).bytes(), device.connect().bytes()));

        assertThat(replies).singleElement().satisfies(connAck -> assertThat(connAck.returnCode()).isEqualTo(1));
        assertThat(intruder.isOpen()).isFalse();
        assertThat(established.isOpen()).as("the established session was not taken over").isTrue();
        assertThat(server.closedCount(CloseReason.TAKEN_OVER)).isZero();
    }

    @Test
    void connect_whenSentTwice_thenClose() {
        RawMqttDevice device = server.enroll("twice");
        Connection connection = server.connected(device);

        List<RawMqttReply> replies = connection.send(device.connect().bytes());

        assertThat(replies).isEmpty();
        assertThat(connection.isOpen()).isFalse();
        assertThat(server.closedCount(CloseReason.SECOND_CONNECT)).isEqualTo(1.0);
    }

    @Test
    void firstPacket_whenNotConnect_thenClose() {
        Connection connection = server.open();

        List<RawMqttReply> replies = connection.send(subscribeResponses(1, 1));

        assertThat(replies).isEmpty();
        assertThat(connection.isOpen()).isFalse();
        assertThat(server.closedCount(CloseReason.NO_CONNECT)).isEqualTo(1.0);
    }

    static Stream<Arguments> keepAlivesBeforeAuthentication() {
        long connectTimeout = Duration.ofSeconds(RawMqttEmbeddedServer.CONNECT_TIMEOUT_SECONDS).toMillis();
        return Stream.of(
                arguments(60, connectTimeout),
                arguments(5, 7_500L),
                arguments(1, 1_500L),
                arguments(0, connectTimeout),
                arguments(65_535, connectTimeout));
    }

    @ParameterizedTest(name = "keep-alive {0} s -> {1} ms")
    @MethodSource("keepAlivesBeforeAuthentication")
    void connect_whenAccepted_thenIdleTimeoutIs1_5xKeepAliveCappedAtTheConnectTimeout(int keepAliveSeconds,
            long expectedMillis) {
        RawMqttDevice device = server.enroll("keep-alive");
        Connection connection = server.open();

        connection.send(device.connect().keepAlive(keepAliveSeconds).bytes());

        assertThat(idleTimeoutMillis(connection)).isEqualTo(expectedMillis);
    }

    static Stream<Arguments> keepAlives() {
        long cap = Duration.ofSeconds(RawMqttEmbeddedServer.MAX_KEEP_ALIVE_SECONDS).toMillis();
        return Stream.of(
                arguments(60, 90_000L),
                arguments(230, 345_000L),
                arguments(1, 1_500L),
                arguments(0, cap),
                arguments(1740, cap),
                arguments(65_535, cap));
    }

    @ParameterizedTest(name = "keep-alive {0} s -> {1} ms")
    @MethodSource("keepAlives")
    void register_whenAuthenticated_thenIdleTimeoutIs1_5xKeepAliveCappedAtMaxKeepAlive(int keepAliveSeconds,
            long expectedMillis) {
        RawMqttDevice device = server.enroll("keep-alive");
        Connection connection = server.open();
        connection.send(device.connect().keepAlive(keepAliveSeconds).bytes());

        registerAccepted(connection);

        assertThat(idleTimeoutMillis(connection)).isEqualTo(expectedMillis);
    }

    @Test
    void keepAlive_whenClientIsSilentFor1_5xKeepAlive_thenClose() {
        RawMqttDevice device = server.enroll("goes-silent");
        Connection connection = server.open();
        connection.send(device.connect().keepAlive(4).bytes());

        connection.advanceTimeBy(Duration.ofMillis(5_999));
        assertThat(connection.isOpen()).as("open before 1.5 x keep-alive").isTrue();
        connection.advanceTimeBy(Duration.ofMillis(1));

        assertThat(connection.isOpen()).isFalse();
        assertThat(server.closedCount(CloseReason.IDLE)).isEqualTo(1.0);
    }

    @Test
    void keepAlive0_whenNeverAuthenticated_thenClosedAtTheConnectTimeout() {
        Connection connection = server.open();
        connection.send(new RawMqttDevice(RawMqttEmbeddedServer.ID_SCOPE, "stranger", RawMqttDevice.newKey())
                .connect().keepAlive(0).bytes());

        connection.advanceTimeBy(Duration.ofSeconds(RawMqttEmbeddedServer.CONNECT_TIMEOUT_SECONDS));

        assertThat(connection.isOpen()).isFalse();
        assertThat(server.closedCount(CloseReason.IDLE)).isEqualTo(1.0);
    }

    @Test
    void keepAlive0_whenRefusedAtRegister_thenStillClosedAtTheConnectTimeout() {
        RawMqttDevice device = server.enroll("wrong-key");
        Connection connection = server.open();
        connection.send(new RawMqttDevice(device.idScope(), device.registrationId(), RawMqttDevice.newKey())
                .connect().keepAlive(0).bytes());
        connection.send(subscribeResponses(1, 0));
        assertThat(connection.send(register("1", 0, 0, ""))).singleElement()
                .satisfies(response -> assertThat(response.status()).isEqualTo(401));

        connection.advanceTimeBy(Duration.ofSeconds(RawMqttEmbeddedServer.CONNECT_TIMEOUT_SECONDS));

        assertThat(connection.isOpen()).isFalse();
    }

    @Test
    void keepAlive0_whenAuthenticated_thenOpenPastTheConnectTimeout() {
        RawMqttDevice device = server.enroll("proven");
        Connection connection = server.open();
        connection.send(device.connect().keepAlive(0).bytes());
        registerAccepted(connection);

        connection.advanceTimeBy(Duration.ofSeconds(RawMqttEmbeddedServer.CONNECT_TIMEOUT_SECONDS * 10L));

        assertThat(connection.isOpen()).isTrue();
    }

    @Test
    void silenceBeforeAuthentication_whileTheRegisterIsAnswered_isNotIdleness() {
        server.close();
        int answerDelayMillis = RawMqttEmbeddedServer.CONNECT_TIMEOUT_SECONDS * 1500;
        server = RawMqttEmbeddedServer.builder().minResponseDelayMillis(answerDelayMillis).start();
        RawMqttDevice device = server.enroll("patient");
        Connection connection = server.open();
        connection.send(device.connect().keepAlive(0).bytes());
        connection.send(subscribeResponses(1, 0));
        connection.send(register("1", 0, 0, ""));

        List<RawMqttReply> replies = connection.advanceTimeBy(Duration.ofMillis(answerDelayMillis));

        assertThat(replies).singleElement().satisfies(response -> assertThat(response.status()).isEqualTo(202));
        assertThat(connection.isOpen()).isTrue();
    }

    private static void registerAccepted(Connection connection) {
        connection.send(subscribeResponses(1, 0));
        assertThat(connection.send(register("1", 0, 0, ""))).singleElement()
                .satisfies(response -> assertThat(response.status()).isEqualTo(202));
    }

    private static long idleTimeoutMillis(Connection connection) {
        return ((IdleStateHandler) connection.channel().pipeline().get(HandlerNames.KEEP_ALIVE))
                .getReaderIdleTimeInMillis();
    }

    private void assertRefused(Connection connection, byte[] connect, int returnCode) {
        List<RawMqttReply> replies = connection.send(connect);

        assertThat(replies).singleElement().satisfies(connAck -> {
            assertThat(connAck.type()).isEqualTo(MqttMessageType.CONNACK);
            assertThat(connAck.returnCode()).isEqualTo(returnCode);
            assertThat(connAck.sessionPresent()).isFalse();
        });
        assertThat(connection.isOpen()).as("closed after the refusing CONNACK").isFalse();
        assertThat(server.closedCount(CloseReason.CONNECT_REFUSED)).isEqualTo(1.0);
        assertThat(server.services().sessions().size()).as("sessions").isZero();
    }
}
