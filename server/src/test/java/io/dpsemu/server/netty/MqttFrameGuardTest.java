package io.dpsemu.server.netty;

import static io.dpsemu.server.rawmqtt.RawMqttPackets.concat;
import static io.dpsemu.server.rawmqtt.RawMqttPackets.connect;
import static io.dpsemu.server.rawmqtt.RawMqttPackets.hex;
import static io.dpsemu.server.rawmqtt.RawMqttPackets.packet;
import static io.dpsemu.server.rawmqtt.RawMqttPackets.pingreq;
import static io.dpsemu.server.rawmqtt.RawMqttPackets.puback;
import static io.dpsemu.server.rawmqtt.RawMqttPackets.publish;
import static io.dpsemu.server.rawmqtt.RawMqttPackets.register;
import static io.dpsemu.server.rawmqtt.RawMqttPackets.subscribeResponses;
import static io.dpsemu.server.rawmqtt.RawMqttPackets.unsubscribe;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.dpsemu.server.channel.Disconnector;
import io.dpsemu.server.metrics.CloseReason;
import io.dpsemu.server.metrics.DpsMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@link MqttFrameGuard} alone: it closes on every fixed-header violation and passes valid bytes on unchanged. */
class MqttFrameGuardTest {

    private static final int MAX_CONNECT_BYTES = 64;
    private static final int MAX_PACKET_BYTES = 256;
    private static final byte[] CONNECT = connect("dev-1").bytes();

    private final DpsMetrics metrics = new DpsMetrics(new SimpleMeterRegistry());
    private final EmbeddedChannel channel = new EmbeddedChannel(
            new MqttFrameGuard(MAX_CONNECT_BYTES, MAX_PACKET_BYTES, new Disconnector(metrics)));

    @AfterEach
    void releaseAll() {
        channel.finishAndReleaseAll();
    }

    /** Every packet type but CONNECT, as a first packet; only the first byte is sent. */
    static Stream<Arguments> nonConnectFirstBytes() {
        int[] firstBytes = {0x20, 0x30, 0x40, 0x50, 0x62, 0x70, 0x82, 0x90, 0xA2, 0xB0, 0xC0, 0xD0, 0xE0};
        return IntStream.of(firstBytes).mapToObj(b -> arguments(String.format("0x%02X", b), b));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("nonConnectFirstBytes")
    void firstPacket_whenNotConnect_thenClosedAtTheFirstByte(String name, int firstByte) {
        channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {(byte) firstByte}));

        assertThat(passedThrough()).isEmpty();
        assertClosedFor(CloseReason.NO_CONNECT);
    }

    @Test
    void firstPacket_whenNotConnectAndDeclaring100MB_thenClosedWithNothingBuffered() {
        channel.writeInbound(Unpooled.wrappedBuffer(hex("30 FF FF FF 2F")));

        assertThat(passedThrough()).isEmpty();
        assertClosedFor(CloseReason.NO_CONNECT);
    }

    @Test
    void connect_whenLargerThanMaxConnectPacketBytes_thenClosed() {
        channel.writeInbound(Unpooled.wrappedBuffer(hex("10 41"))); // 65 bytes declared, limit 64

        assertThat(passedThrough()).isEmpty();
        assertClosedFor(CloseReason.TOO_LARGE);
    }

    @Test
    void connect_whenExactlyMaxConnectPacketBytes_thenPassed() {
        byte[] header = hex("10 40"); // 64 bytes declared

        channel.writeInbound(Unpooled.wrappedBuffer(header));

        assertThat(channel.isOpen()).isTrue();
        assertThat(passedThrough()).isEqualTo(header);
    }

    /** Packets that break a rule once CONNECT has passed. */
    static Stream<Arguments> violationsAfterConnect() {
        return Stream.of(
                arguments("CONNACK", hex("20 02 00 00"), CloseReason.FORBIDDEN_PACKET),
                arguments("SUBACK", hex("90 03 00 01 01"), CloseReason.FORBIDDEN_PACKET),
                arguments("UNSUBACK", hex("B0 02 00 01"), CloseReason.FORBIDDEN_PACKET),
                arguments("PINGRESP", hex("D0 00"), CloseReason.FORBIDDEN_PACKET),
                arguments("reserved type 0", hex("00 00"), CloseReason.MALFORMED),
                arguments("reserved type 15", hex("F0 00"), CloseReason.MALFORMED),
                arguments("SUBSCRIBE with flags 0000", hex("80 02 00 01"), CloseReason.MALFORMED),
                arguments("UNSUBSCRIBE with flags 0000", hex("A0 02 00 01"), CloseReason.MALFORMED),
                arguments("PINGREQ with flags 0001", hex("C1 00"), CloseReason.MALFORMED),
                arguments("remaining length of 5 bytes", hex("30 FF FF FF FF 7F"), CloseReason.MALFORMED),
                arguments("PUBLISH above maxPacketBytes", hex("30 81 02"), CloseReason.TOO_LARGE),
                arguments("PINGREQ with a body", hex("C0 01 00"), CloseReason.MALFORMED),
                arguments("DISCONNECT with a body", hex("E0 01 00"), CloseReason.MALFORMED),
                arguments("PUBACK of 3 bytes", hex("40 03 00 01 00"), CloseReason.MALFORMED),
                arguments("PUBLISH with QoS 3", hex("36 03 00 01 61"), CloseReason.MALFORMED),
                arguments("PUBLISH with DUP at QoS 0", hex("38 03 00 01 61"), CloseReason.MALFORMED),
                arguments("second CONNECT above maxPacketBytes", hex("10 81 02"), CloseReason.TOO_LARGE));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("violationsAfterConnect")
    void packetAfterConnect_whenViolatingTheFixedHeaderRules_thenClosed(String name, byte[] packet,
            CloseReason reason) {
        channel.writeInbound(Unpooled.wrappedBuffer(CONNECT));

        channel.writeInbound(Unpooled.wrappedBuffer(packet));

        assertThat(passedThrough()).as("only the CONNECT passed").isEqualTo(CONNECT);
        assertClosedFor(reason);
    }

    @Test
    void publish_whenExactlyMaxPacketBytes_thenPassed() {
        byte[] publish = packet(0x30, new byte[MAX_PACKET_BYTES]);

        channel.writeInbound(Unpooled.wrappedBuffer(CONNECT), Unpooled.wrappedBuffer(publish));

        assertThat(channel.isOpen()).isTrue();
        assertThat(passedThrough()).isEqualTo(concat(CONNECT, publish));
    }

    @Test
    void validStream_whenSplitByteByByte_thenPassedThroughUnchanged() {
        byte[] stream = validStream();

        for (byte b : stream) {
            channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {b}));
        }

        assertThat(channel.isOpen()).isTrue();
        assertThat(passedThrough()).isEqualTo(stream);
    }

    @Test
    void validStream_whenAllPacketsMergedInOneBuffer_thenPassedThroughUnchanged() {
        byte[] stream = validStream();

        channel.writeInbound(Unpooled.wrappedBuffer(stream));

        assertThat(channel.isOpen()).isTrue();
        assertThat(passedThrough()).isEqualTo(stream);
    }

    @Test
    void violation_whenValidPacketsFollowInTheSameBuffer_thenNothingAfterTheViolationPasses() {
        channel.writeInbound(Unpooled.wrappedBuffer(concat(CONNECT, hex("20 02 00 00"), pingreq(), pingreq())));

        assertThat(passedThrough().length).as("bytes passed on").isLessThanOrEqualTo(CONNECT.length);
        assertClosedFor(CloseReason.FORBIDDEN_PACKET);
    }

    /** CONNECT, then every packet a DPS device sends, one with a two-byte remaining length. */
    private static byte[] validStream() {
        return concat(CONNECT,
                subscribeResponses(1, 1),
                register("1", 1, 2, "{\"registrationId\":\"dev-1\",\"payload\":\"" + "x".repeat(150) + "\"}"),
                publish("$dps/registrations/GET/iotdps-get-operationstatus/?$rid=2&operationId=op", 0, 0, " "),
                puback(1),
                unsubscribe(3, "$dps/registrations/res/#"),
                pingreq(),
                hex("E0 00"));
    }

    private byte[] passedThrough() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (ByteBuf buf; (buf = channel.readInbound()) != null; ) {
            out.writeBytes(ByteBufUtil.getBytes(buf));
            buf.release();
        }
        return out.toByteArray();
    }

    private void assertClosedFor(CloseReason reason) {
        assertThat(channel.isOpen()).as("channel open").isFalse();
        Counter closed = metrics.registry().find("dps.connections.closed").tag("reason", reason.tag()).counter();
        assertThat(closed).as("close counted as %s", reason).isNotNull();
        assertThat(closed.count()).isEqualTo(1.0);
    }
}
