package io.dpsemu.server.it.reliability;

import static io.dpsemu.server.rawmqtt.RawMqttPackets.hex;
import static io.dpsemu.server.rawmqtt.RawMqttPackets.packet;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Named.named;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.dpsemu.protocol.auth.DerivedKeys;
import io.dpsemu.protocol.enrollment.EnrollmentGroup;
import io.dpsemu.protocol.topic.DpsTopics;
import io.dpsemu.server.DpsServer;
import io.dpsemu.server.config.ConfigLoader;
import io.dpsemu.server.rawhttp.RawHttpsClient;
import io.dpsemu.server.rawhttp.WebSocketFrames;
import io.dpsemu.server.rawhttp.WebSocketFrames.Frame;
import io.dpsemu.server.rawhttp.WebSocketMqtt;
import io.dpsemu.server.rawmqtt.RawMqttClient;
import io.dpsemu.server.rawmqtt.RawMqttDevice;
import io.dpsemu.server.rawmqtt.RawMqttPackets;
import io.netty.handler.codec.mqtt.MqttMessageType;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.LoggerFactory;

/**
 * The malformed-input corpus for MQTT, TLS and MQTT over WebSocket (issue 11; reliability.md §A,
 * §I, §J), against one real server: each named input is sent on a fresh connection, the server's
 * reaction is checked (closed without an answer, a refusing CONNACK, a refused subscription, a
 * WebSocket close code), and then the server must still serve: its open connections are back to what
 * they were, a good device provisions over the same transport, and the log holds no warning and no
 * stack trace for the client's fault. The exact answers to some of
 * these inputs are also pinned one by one in RawMqttProtocolIT, RawWebSocketIT and the unit tests of
 * the frame guard; this corpus is about the server surviving each of them. The HTTPS and service API
 * corpus is ServiceApiMalformedInputTest's.
 */
@Tag("reliability")
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class MalformedInputIT {

    /** Before CONNACK, the server closes at this deadline (TLS handshake included); kept short here. */
    private static final int CONNECT_TIMEOUT_SECONDS = 2;
    /** Far above any deadline of the server: only a connection the server forgot is still open then. */
    private static final Duration CLOSE_BOUND = Duration.ofSeconds(30);
    private static final Duration PROVISION_BOUND = Duration.ofMinutes(1);
    private static final String GROUP = "corpus";
    private static final String GROUP_KEY = RawMqttDevice.newKey();
    private static final AtomicInteger DEVICES = new AtomicInteger();

    @TempDir
    static Path dataDir;

    private static DpsServer server;
    private static Target target;
    private static final ListAppender<ILoggingEvent> LOG = new ListAppender<>();

    @BeforeAll
    static void startServer() {
        server = DpsServer.start(ConfigLoader.load(null, Map.of(), Map.of(
                "dataDir", dataDir.toString(),
                "store", "memory",
                "bind", "127.0.0.1",
                "mqttPort", 0, "httpsPort", 0,
                "provisioning.retryAfterSeconds", 1,
                "provisioning.minResponseDelayMillis", 0,
                "limits.connectTimeoutSeconds", CONNECT_TIMEOUT_SECONDS)));
        server.store().putGroup(EnrollmentGroup.symmetricKey(GROUP, GROUP_KEY, null), null);
        target = Target.of(server);
        LOG.start();
        ((Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).addAppender(LOG);
    }

    @AfterAll
    static void stopServer() {
        ((Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).detachAppender(LOG);
        if (server != null) {
            server.close();
        }
    }

    // --- what the server must do ------------------------------------------------------------

    /** The server's reaction to one input. */
    private sealed interface Reaction {
    }

    /** Closes the connection without sending any MQTT packet (or WebSocket data frame) first. */
    private record Closed() implements Reaction {
    }

    /** A CONNACK with this return code, then the close. */
    private record Refused(int returnCode) implements Reaction {
    }

    /** CONNACK 0, then the close: the input is valid so far, and the client went silent. */
    private record AcceptedThenClosed() implements Reaction {
    }

    /** SUBACK with 0x80 for the subscription; the connection stays usable. */
    private record SubscriptionRefused() implements Reaction {
    }

    /** A DPS response with this status on the response topic; the connection stays usable. */
    private record Answered(int status) implements Reaction {
    }

    /** A WebSocket close frame with this code, then the close. */
    private record WebSocketClosed(int code) implements Reaction {
    }

    /** An HTTP status (a refused upgrade), then the close. */
    private record HttpRefused(int status) implements Reaction {
    }

    private static final Reaction CLOSED = new Closed();

    /**
     * One input: the bytes (for a fresh device, whose valid CONNECT and SUBSCRIBE precede them when
     * {@code afterConnect}), and the reaction they must get.
     */
    private record MqttInput(boolean afterConnect, Function<RawMqttDevice, byte[]> bytes, Reaction reaction) {
    }

    // --- MQTT over TLS (8883) --------------------------------------------------------------

    static Stream<Arguments> mqttCorpus() {
        return Stream.of(
                mqtt("nothing at all after the TLS handshake", false, d -> new byte[0], CLOSED),
                mqtt("garbage before CONNECT", false, d -> concat(hex("00 11 22 33"), TlsRecords.random(60)), CLOSED),
                mqtt("an HTTP request instead of CONNECT", false,
                        d -> "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII), CLOSED),
                mqtt("PUBLISH (a register) before CONNECT", false, d -> RawMqttPackets.register("1", 0, 0, "{}"),
                        CLOSED),
                mqtt("PINGREQ before CONNECT", false, d -> RawMqttPackets.pingreq(), CLOSED),
                mqtt("CONNECT with a 5-byte remaining length", false, d -> hex("10 FF FF FF FF 7F"), CLOSED),
                mqtt("CONNECT declaring 1 MiB (over limits.maxConnectPacketBytes)", false,
                        d -> concat(hex("10 80 80 40"), TlsRecords.random(1000)), CLOSED),
                mqtt("CONNECT truncated mid-payload, then silence", false,
                        d -> cut(d.connect().bytes(), 20), CLOSED),
                mqtt("CONNECT whose remaining length ends inside the username", false,
                        d -> connectEndingInsideTheUsername(d), CLOSED),
                mqtt("CONNECT with protocol name MQTX", false, d -> d.connect().protocol("MQTX", 4).bytes(),
                        new Refused(0x01)),
                mqtt("CONNECT with protocol level 0", false, d -> d.connect().protocol("MQTT", 0).bytes(),
                        new Refused(0x01)),
                mqtt("CONNECT with protocol level 255", false, d -> d.connect().protocol("MQTT", 255).bytes(),
                        new Refused(0x01)),
                mqtt("CONNECT with an overlong UTF-8 encoding in the client id", false,
                        d -> connectWithClientId(hex("C0 AF")), CLOSED),
                mqtt("CONNECT with a UTF-16 surrogate in the client id", false,
                        d -> connectWithClientId(hex("ED A0 80")), CLOSED),
                mqtt("CONNECT with an empty client id", false,
                        d -> RawMqttPackets.connect("").username(d.username()).password(d.sasToken()).bytes(),
                        new Refused(0x02)),
                mqtt("PUBLISH cut short, then silence (keep-alive 1 s)", false, d -> concat(
                        d.connect().keepAlive(1).bytes(), cut(RawMqttPackets.register("1", 0, 0, "{}"), 12)),
                        new AcceptedThenClosed()),
                mqtt("a second CONNECT", true, d -> d.connect().bytes(), CLOSED),
                mqtt("PUBLISH with an overlong UTF-8 encoding in the topic", true,
                        d -> publishWithTopic(concat("$dps/registrations/PUT/iotdps-register/?$rid=".getBytes(
                                StandardCharsets.US_ASCII), hex("C0 AF"))), CLOSED),
                mqtt("PUBLISH with a UTF-16 surrogate in the topic", true,
                        d -> publishWithTopic(hex("ED A0 80")), CLOSED),
                mqtt("PUBLISH with an empty topic", true, d -> publishWithTopic(new byte[0]), CLOSED),
                mqtt("PUBLISH with a wildcard in the topic", true,
                        d -> RawMqttPackets.publish("$dps/registrations/PUT/#", 0, 0, "{}"), CLOSED),
                mqtt("PUBLISH at QoS 2", true, d -> RawMqttPackets.register("1", 2, 7, "{}"), CLOSED),
                mqtt("PUBLISH declaring more than limits.maxPacketBytes", true,
                        d -> concat(hex("30 80 80 08"), TlsRecords.random(1000)), CLOSED),
                mqtt("PUBLISH to a topic that is not a DPS request", true,
                        d -> RawMqttPackets.publish("devices/x/messages/events/", 0, 0, "{}"), CLOSED),
                mqtt("SUBSCRIBE to #", true, d -> RawMqttPackets.subscribe(9,
                        new RawMqttPackets.Subscription("#", 0)), new SubscriptionRefused()),
                mqtt("SUBSCRIBE to $SYS/#", true, d -> RawMqttPackets.subscribe(9,
                        new RawMqttPackets.Subscription("$SYS/#", 1)), new SubscriptionRefused()),
                mqtt("SUBSCRIBE to the register request topic", true, d -> RawMqttPackets.subscribe(9,
                        new RawMqttPackets.Subscription(DpsTopics.REGISTER_PREFIX + "#", 0)),
                        new SubscriptionRefused()),
                mqtt("SUBSCRIBE with an overlong UTF-8 encoding in the filter", true,
                        d -> packet(RawMqttPackets.SUBSCRIBE, hex("00 09 00 02 C0 AF 00")), CLOSED),
                mqtt("a CONNACK sent by the client", true, d -> hex("20 02 00 00"), CLOSED),
                mqtt("a register whose body is not JSON", true, d -> RawMqttPackets.register("1", 0, 0, "{not json"),
                        new Answered(400)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("mqttCorpus")
    void mqttOverTls_whenMalformedInput_thenRefusedAndAGoodDeviceStillProvisions(MqttInput input) throws Exception {
        Snapshot before = snapshot();
        RawMqttDevice device = newDevice();
        try (RawMqttClient client = RawMqttClient.connect(target.mqttPort(), target.caCertificate())) {
            if (input.afterConnect()) {
                client.send(device.connect().bytes());
                assertThat(client.next(MqttMessageType.CONNACK).returnCode()).isZero();
            }
            client.send(input.bytes().apply(device));

            Reaction reaction = input.reaction();
            if (reaction instanceof Closed) {
                assertClosed(client);
            } else if (reaction instanceof AcceptedThenClosed) {
                assertThat(client.next(MqttMessageType.CONNACK).returnCode()).isZero();
                assertClosed(client);
            } else if (reaction instanceof Refused refused) {
                assertThat(client.next(MqttMessageType.CONNACK).returnCode()).isEqualTo(refused.returnCode());
                assertClosed(client);
            } else if (reaction instanceof SubscriptionRefused) {
                assertThat(client.next(MqttMessageType.SUBACK).grantedQos()).containsExactly(0x80);
                assertUsable(client);
            } else if (reaction instanceof Answered answered) {
                assertThat(client.next(MqttMessageType.PUBLISH).status()).isEqualTo(answered.status());
                assertUsable(client);
            } else {
                throw new IllegalArgumentException("not an MQTT reaction: " + reaction);
            }
        }
        assertServerStillServes("mqtt", before);
    }

    // --- TLS (8883 and 443) ----------------------------------------------------------------

    static Stream<Arguments> tlsCorpus() {
        Map<String, Function<RawMqttDevice, byte[]>> inputs = new LinkedHashMap<>();
        inputs.put("plaintext MQTT CONNECT", d -> d.connect().bytes());
        inputs.put("plaintext HTTP request", d -> ("GET /" + d.idScope() + "/registrations/" + d.registrationId()
                + " HTTP/1.1\r\nHost: localhost\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        inputs.put("random bytes", d -> TlsRecords.random(512));
        inputs.put("a record declaring 65535 bytes, 100 sent, then silence",
                d -> TlsRecords.handshakeRecordDeclaring(0xFFFF, 100));
        inputs.put("a ClientHello of random bytes", d -> TlsRecords.clientHelloOfJunk(200));
        inputs.put("a ClientHello offering only TLS 1.0", d -> TlsRecords.clientHello(0x0301, 0x002F, 0x0035));
        inputs.put("a ClientHello offering only RC4 and NULL suites", d -> TlsRecords.clientHello(0x0303, 0x0004,
                0x0005, 0x0001, 0x0002));
        inputs.put("a ClientHello truncated, then silence", d -> TlsRecords.truncatedClientHello(30));
        inputs.put("an alert before any handshake", d -> TlsRecords.alert(40));
        return Stream.of("mqtt", "https").flatMap(transport -> inputs.entrySet().stream().map(e -> arguments(
                named(e.getKey() + " to the " + (transport.equals("mqtt") ? "MQTT port" : "HTTPS port"),
                        e.getValue()), transport)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tlsCorpus")
    void tls_whenMalformedInput_thenClosedAndAGoodDeviceStillProvisions(Function<RawMqttDevice, byte[]> input,
            String transport) throws Exception {
        Snapshot before = snapshot();
        int port = transport.equals("mqtt") ? target.mqttPort() : target.httpsPort();
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.getOutputStream().write(input.apply(newDevice()));
            socket.getOutputStream().flush();

            byte[] answer = readUntilClosed(socket);
            // nothing but TLS alerts may come back: a handshake message would mean the input was accepted
            assertThat(answer.length == 0 || answer[0] == 0x15).as("the server's bytes before closing: %s",
                    HexFormat.of().formatHex(answer)).isTrue();
        }
        assertServerStillServes(transport, before);
    }

    // --- MQTT over WebSocket (443) ---------------------------------------------------------

    /** One input on an upgraded connection: frames (or bytes) built for a fresh device. */
    private record WebSocketInput(Function<RawMqttDevice, byte[]> bytes, Reaction reaction) {
    }

    static Stream<Arguments> webSocketCorpus() {
        return Stream.of(
                ws("a text frame", d -> WebSocketFrames.text("{}"), new WebSocketClosed(1003)),
                ws("an unmasked binary frame", d -> WebSocketFrames.unmasked(true, WebSocketFrames.BINARY,
                        d.connect().bytes()), new WebSocketClosed(1002)),
                ws("a binary frame with RSV1 set (no extension was negotiated)",
                        d -> withFirstByte(WebSocketFrames.binary(d.connect().bytes()), 0x80 | 0x40 | 0x02),
                        new WebSocketClosed(1002)),
                ws("a fragmented ping", d -> WebSocketFrames.masked(false, WebSocketFrames.PING, new byte[] {1}),
                        new WebSocketClosed(1002)),
                ws("a ping of 126 bytes (control frames carry at most 125)",
                        d -> WebSocketFrames.masked(true, WebSocketFrames.PING, new byte[126]),
                        new WebSocketClosed(1002)),
                ws("a continuation frame without a first frame",
                        d -> WebSocketFrames.continuation(true, d.connect().bytes()), new WebSocketClosed(1002)),
                ws("a binary frame declaring 2^62 bytes",
                        d -> hex("82 FF 40 00 00 00 00 00 00 00 01 02 03 04"), new WebSocketClosed(1009)),
                ws("MQTT bytes without WebSocket framing", d -> d.connect().bytes(), new WebSocketClosed(1002)),
                ws("a 5-byte MQTT remaining length in a binary frame",
                        d -> WebSocketFrames.binary(hex("10 FF FF FF FF 7F")), CLOSED),
                ws("PUBLISH before CONNECT in a binary frame",
                        d -> WebSocketFrames.binary(RawMqttPackets.register("1", 0, 0, "{}")), CLOSED),
                ws("a binary frame cut short, then silence",
                        d -> cut(WebSocketFrames.binary(d.connect().bytes()), 12), CLOSED));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("webSocketCorpus")
    void mqttOverWebSocket_whenMalformedInput_thenClosedAndAGoodDeviceStillProvisions(WebSocketInput input)
            throws Exception {
        Snapshot before = snapshot();
        try (RawHttpsClient client = RawHttpsClient.connect(target.httpsPort(), target.caCertificate())) {
            // only the upgrade: the input is written as raw bytes, frames included
            WebSocketMqtt.upgrade(client, "/mqtt").close();
            client.send(input.bytes().apply(newDevice()));

            assertWebSocketReaction(client, input.reaction());
        }
        assertServerStillServes("mqttws", before);
    }

    @ParameterizedTest(name = "an upgrade asking for subprotocol {0}")
    @MethodSource("foreignSubprotocols")
    void webSocketUpgrade_whenSubprotocolIsNotMqtt_thenRefusedAndAGoodDeviceStillProvisions(String subprotocol)
            throws Exception {
        Snapshot before = snapshot();
        try (RawHttpsClient client = RawHttpsClient.connect(target.httpsPort(), target.caCertificate())) {
            RawHttpsClient.Response response = client.exchange(
                    client.webSocketUpgrade("/mqtt", WebSocketFrames.newKey())
                            .header("Sec-WebSocket-Protocol", subprotocol));

            assertThat(response.status()).as("%s", response).isEqualTo(400);
            assertThat(awaitClosed(client)).isTrue();
        }
        assertServerStillServes("mqttws", before);
    }

    static Stream<String> foreignSubprotocols() {
        return Stream.of("amqp", "mqttv3.1", "wamp");
    }

    // --- the checks ---------------------------------------------------------------------------

    /** What the server looked like before an input: its open connections, and how much it had logged. */
    private record Snapshot(double connections, int logEvents) {
    }

    private static Snapshot snapshot() {
        synchronized (LOG.list) {
            return new Snapshot(activeConnections(), LOG.list.size());
        }
    }

    /**
     * After each input: the server's connections are back where they were, a good device provisions,
     * and nothing was logged as a warning or with a stack trace.
     */
    private static void assertServerStillServes(String transport, Snapshot before) throws Exception {
        awaitConnections(before.connections());
        RawMqttDevice device = newDevice();
        try (RetryingDevice good = new RetryingDevice(target.link(transport, device))) {
            Answer assigned = good.provision(PROVISION_BOUND);
            assertThat(assigned.deviceId()).isEqualTo(device.registrationId());
            assertThat(good.answers()).as(good.describe("answered")).allMatch(a -> a.assigned() || a.assigning());
        }
        awaitConnections(before.connections());
        List<ILoggingEvent> logged;
        synchronized (LOG.list) {
            logged = List.copyOf(LOG.list.subList(before.logEvents(), LOG.list.size()));
        }
        assertThat(logged).as("log lines for a client's fault").noneMatch(
                e -> e.getLevel().isGreaterOrEqual(Level.WARN) || e.getThrowableProxy() != null);
    }

    private static void awaitConnections(double expected) throws InterruptedException {
        long deadline = System.nanoTime() + CLOSE_BOUND.toNanos();
        while (activeConnections() != expected) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("dps_connections_active is " + activeConnections() + ", not back to "
                        + expected + " within " + CLOSE_BOUND.toSeconds() + " s: a connection was not released");
            }
            Thread.sleep(20);
        }
    }

    private static double activeConnections() {
        return server.meterRegistry().get("dps.connections.active").gauge().value();
    }

    /** Closed by the server, with no MQTT packet sent before. */
    private static void assertClosed(RawMqttClient client) throws IOException {
        long deadline = System.nanoTime() + CLOSE_BOUND.toNanos();
        while (!client.awaitClosedByServer()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("still open " + CLOSE_BOUND.toSeconds() + " s after the input");
            }
        }
        assertThat(client.pending()).as("MQTT packets the server sent before closing").isZero();
    }

    /** The connection still works: a PINGREQ gets its PINGRESP. */
    private static void assertUsable(RawMqttClient client) throws IOException {
        client.send(RawMqttPackets.pingreq());
        assertThat(client.next().type()).isEqualTo(MqttMessageType.PINGRESP);
    }

    private static void assertWebSocketReaction(RawHttpsClient client, Reaction reaction) throws IOException {
        if (reaction instanceof WebSocketClosed closed) {
            Frame frame = client.readFrame();
            assertThat(frame.opcode()).as("%s", frame).isEqualTo(WebSocketFrames.CLOSE);
            assertThat(frame.closeCode()).isEqualTo(closed.code());
        } else if (!(reaction instanceof Closed)) {
            throw new IllegalArgumentException("not a WebSocket reaction: " + reaction);
        }
        assertThat(awaitClosed(client)).as("closed within %s", CLOSE_BOUND).isTrue();
    }

    private static boolean awaitClosed(RawHttpsClient client) throws IOException {
        return client.awaitClosedByServer(CLOSE_BOUND);
    }

    /** Everything the server sends until it closes the connection (EOF or reset). */
    private static byte[] readUntilClosed(Socket socket) throws IOException {
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        socket.setSoTimeout((int) CLOSE_BOUND.toMillis());
        InputStream in = socket.getInputStream();
        byte[] chunk = new byte[4096];
        try {
            for (int n; (n = in.read(chunk)) >= 0; ) {
                received.write(chunk, 0, n);
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("still open " + CLOSE_BOUND.toSeconds() + " s after the input", e);
        } catch (SocketException reset) {
            // closed with a reset: closed all the same
        }
        return received.toByteArray();
    }

    // --- building inputs --------------------------------------------------------------------

    private static Arguments mqtt(String name, boolean afterConnect, Function<RawMqttDevice, byte[]> bytes,
            Reaction reaction) {
        return arguments(named(name, new MqttInput(afterConnect, bytes, reaction)));
    }

    private static Arguments ws(String name, Function<RawMqttDevice, byte[]> bytes, Reaction reaction) {
        return arguments(named(name, new WebSocketInput(bytes, reaction)));
    }

    private static RawMqttDevice newDevice() {
        String id = "corpus-" + DEVICES.incrementAndGet();
        return target.device(id, DerivedKeys.deviceKey(GROUP_KEY, id));
    }

    /** A CONNECT (3.1.1, clean session) whose client id is these bytes, whatever they are. */
    private static byte[] connectWithClientId(byte[] clientId) {
        return packet(RawMqttPackets.CONNECT, concat(hex("00 04"), "MQTT".getBytes(StandardCharsets.US_ASCII),
                hex("04 02 00 3C"), u16(clientId.length), clientId));
    }

    /** A QoS 0 PUBLISH whose topic is these bytes, whatever they are. */
    private static byte[] publishWithTopic(byte[] topic) {
        return packet(RawMqttPackets.PUBLISH, concat(u16(topic.length), topic, "{}".getBytes(StandardCharsets.UTF_8)));
    }

    /** A CONNECT with a username (flag and length) whose last 10 bytes lie beyond the packet's remaining length. */
    private static byte[] connectEndingInsideTheUsername(RawMqttDevice device) {
        byte[] whole = RawMqttPackets.connect(device.registrationId()).username(device.username()).bytes();
        int lengthBytes = 1;
        while ((whole[lengthBytes] & 0x80) != 0) {
            lengthBytes++;
        }
        byte[] body = Arrays.copyOfRange(whole, 1 + lengthBytes, whole.length - 10);
        return packet(RawMqttPackets.CONNECT, body);
    }

    private static byte[] cut(byte[] bytes, int length) {
        return Arrays.copyOf(bytes, length);
    }

    private static byte[] withFirstByte(byte[] frame, int firstByte) {
        byte[] copy = frame.clone();
        copy[0] = (byte) firstByte;
        return copy;
    }

    private static byte[] u16(int value) {
        return new byte[] {(byte) (value >>> 8), (byte) value};
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
