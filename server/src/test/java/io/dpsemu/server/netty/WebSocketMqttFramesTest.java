package io.dpsemu.server.netty;

import static io.dpsemu.server.rawmqtt.RawMqttPackets.connect;
import static org.assertj.core.api.Assertions.assertThat;

import io.dpsemu.server.channel.Disconnector;
import io.dpsemu.server.metrics.CloseReason;
import io.dpsemu.server.metrics.DpsMetrics;
import io.dpsemu.server.rawhttp.WebSocketFrames;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link WebSocketMqttFrames} alone (frames in, MQTT bytes out and back), and behind Netty's frame
 * decoder configured as {@link WebSocketUpgrade} configures it (malformed frames).
 */
class WebSocketMqttFramesTest {

    private static final int MAX_FRAME_BYTES = 1024;

    private final DpsMetrics metrics = new DpsMetrics(new SimpleMeterRegistry());
    private final Disconnector disconnector = new Disconnector(metrics);
    /** Writes that have not reached the socket yet, as on a real connection (see {@link #behindServerDecoder}). */
    private final List<Object> inFlight = new ArrayList<>();
    private EmbeddedChannel channel = new EmbeddedChannel(new WebSocketMqttFrames(disconnector));

    @AfterEach
    void releaseAll() {
        channel.finishAndReleaseAll();
        inFlight.forEach(ReferenceCountUtil::release);
    }

    @Test
    void binaryFrame_whenReceived_thenPayloadPassedOnAsBytes() {
        byte[] connect = connect("dev-1").bytes();

        channel.writeInbound(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(connect)));

        assertThat(inboundBytes()).isEqualTo(connect);
        assertThat(channel.isOpen()).isTrue();
    }

    @Test
    void binaryAndContinuationFrames_whenAPacketIsSplit_thenBytesPassedOnInOrder() {
        byte[] connect = connect("dev-split").bytes();
        int half = connect.length / 2;

        channel.writeInbound(new BinaryWebSocketFrame(false, 0, Unpooled.wrappedBuffer(connect, 0, half)));
        channel.writeInbound(new ContinuationWebSocketFrame(true, 0,
                Unpooled.wrappedBuffer(connect, half, connect.length - half)));

        assertThat(inboundBytes()).isEqualTo(connect);
    }

    @Test
    void outboundBytes_whenWritten_thenOneBinaryFrame() {
        byte[] connAck = {0x20, 0x02, 0x00, 0x00};

        channel.writeOutbound(Unpooled.wrappedBuffer(connAck));

        WebSocketFrame frame = channel.readOutbound();
        try {
            assertThat(frame).isInstanceOf(BinaryWebSocketFrame.class);
            assertThat(frame.isFinalFragment()).isTrue();
            assertThat(ByteBufUtil.getBytes(frame.content())).isEqualTo(connAck);
        } finally {
            frame.release();
        }
    }

    @Test
    void ping_whenReceived_thenPongWithSamePayloadAndNothingPassedOn() {
        byte[] payload = "ping-1".getBytes(StandardCharsets.US_ASCII);

        channel.writeInbound(new PingWebSocketFrame(Unpooled.wrappedBuffer(payload)));

        WebSocketFrame pong = channel.readOutbound();
        try {
            assertThat(pong).isInstanceOf(PongWebSocketFrame.class);
            assertThat(ByteBufUtil.getBytes(pong.content())).isEqualTo(payload);
        } finally {
            pong.release();
        }
        assertThat((Object) channel.readInbound()).isNull();
        assertThat(channel.isOpen()).isTrue();
    }

    @Test
    void pong_whenReceived_thenIgnored() {
        channel.writeInbound(new PongWebSocketFrame(Unpooled.wrappedBuffer(new byte[] {1})));

        assertThat((Object) channel.readInbound()).isNull();
        assertThat((Object) channel.readOutbound()).isNull();
        assertThat(channel.isOpen()).isTrue();
    }

    @Test
    void textFrame_whenReceived_thenClose1003AndClosedAsMalformed() {
        channel.writeInbound(new TextWebSocketFrame("{\"registrationId\":\"x\"}"));

        CloseWebSocketFrame close = channel.readOutbound();
        try {
            assertThat(close.statusCode()).isEqualTo(1003);
        } finally {
            close.release();
        }
        assertThat((Object) channel.readInbound()).as("nothing reaches MQTT").isNull();
        assertThat(channel.isOpen()).isFalse();
        assertThat(closed(CloseReason.MALFORMED)).isEqualTo(1);
    }

    @Test
    void closeFrame_whenReceived_thenClose1000EchoedAndClosedAsClientDisconnect() {
        channel.writeInbound(new CloseWebSocketFrame(1001, "going away"));

        CloseWebSocketFrame close = channel.readOutbound();
        try {
            assertThat(close.statusCode()).isEqualTo(1000);
        } finally {
            close.release();
        }
        assertThat(channel.isOpen()).isFalse();
        assertThat(closed(CloseReason.MALFORMED)).isZero();
    }

    @Test
    void unmaskedFrame_whenBehindTheServerDecoder_thenClose1002AndClosedAsMalformedNotInternal() {
        behindServerDecoder();

        channel.writeInbound(Unpooled.wrappedBuffer(WebSocketFrames.unmasked(true, WebSocketFrames.BINARY,
                connect("dev-unmasked").bytes())));

        assertThat(outboundCloseCode()).isEqualTo(1002);
        assertThat(channel.isOpen()).isFalse();
        assertThat((Object) channel.readInbound()).isNull();
        assertThat(closed(CloseReason.MALFORMED)).isEqualTo(1);
        assertThat(closed(CloseReason.INTERNAL)).isZero();
    }

    @Test
    void reservedOpcode_whenBehindTheServerDecoder_thenClose1002AndClosedAsMalformed() {
        behindServerDecoder();

        channel.writeInbound(Unpooled.wrappedBuffer(WebSocketFrames.masked(true, 0x3, new byte[] {1})));

        assertThat(outboundCloseCode()).isEqualTo(1002);
        assertThat(channel.isOpen()).isFalse();
        assertThat(closed(CloseReason.MALFORMED)).isEqualTo(1);
    }

    @Test
    void oversizedFrame_whenBehindTheServerDecoder_thenClose1009AndClosedAsTooLarge() {
        behindServerDecoder();
        byte[] frame = WebSocketFrames.binary(new byte[MAX_FRAME_BYTES + 1]);

        // only the header and a few payload bytes: the declared length alone is refused
        channel.writeInbound(Unpooled.wrappedBuffer(Arrays.copyOf(frame, 16)));

        assertThat(outboundCloseCode()).isEqualTo(1009);
        assertThat(channel.isOpen()).isFalse();
        assertThat(closed(CloseReason.TOO_LARGE)).isEqualTo(1);
        assertThat(closed(CloseReason.INTERNAL)).isZero();
    }

    @Test
    void maskedBinaryFrame_whenBehindTheServerDecoder_thenUnmaskedBytesPassedOn() {
        behindServerDecoder();
        byte[] connect = connect("dev-masked").bytes();

        channel.writeInbound(Unpooled.wrappedBuffer(WebSocketFrames.binary(connect)));

        assertThat(inboundBytes()).isEqualTo(connect);
        assertThat(channel.isOpen()).isTrue();
    }

    /**
     * Netty's decoder as {@link WebSocketUpgrade} configures it, then the handler under test. Writes
     * stay in flight, as they do on a real socket for a moment: the decoder closes the connection only
     * once its close frame is written, so the close is recorded by whoever handles its exception.
     */
    private void behindServerDecoder() {
        channel.finishAndReleaseAll();
        WebSocketDecoderConfig config = WebSocketDecoderConfig.newBuilder()
                .maxFramePayloadLength(MAX_FRAME_BYTES)
                .allowExtensions(false)
                .expectMaskedFrames(true)
                .closeOnProtocolViolation(true)
                .build();
        ChannelOutboundHandlerAdapter socket = new ChannelOutboundHandlerAdapter() {
            @Override
            public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
                inFlight.add(msg);
            }
        };
        channel = new EmbeddedChannel(socket, new WebSocket13FrameDecoder(config),
                new WebSocketMqttFrames(disconnector));
    }

    private byte[] inboundBytes() {
        ByteBuf all = Unpooled.buffer();
        try {
            for (ByteBuf part; (part = channel.readInbound()) != null; ) {
                all.writeBytes(part);
                part.release();
            }
            return ByteBufUtil.getBytes(all);
        } finally {
            all.release();
        }
    }

    /** The close frame Netty's decoder wrote (the frame object: no encoder is in this pipeline). */
    private int outboundCloseCode() {
        assertThat(inFlight).singleElement().isInstanceOf(CloseWebSocketFrame.class);
        return ((CloseWebSocketFrame) inFlight.get(0)).statusCode();
    }

    private double closed(CloseReason reason) {
        Counter counter = metrics.registry().find("dps.connections.closed").tag("reason", reason.tag()).counter();
        return counter == null ? 0 : counter.count();
    }
}
