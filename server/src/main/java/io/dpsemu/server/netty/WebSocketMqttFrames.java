package io.dpsemu.server.netty;

import io.dpsemu.server.channel.Disconnector;
import io.dpsemu.server.metrics.CloseReason;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageCodec;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.util.List;

/**
 * MQTT over WebSocket: binary (and continuation) frame payloads become a plain byte stream for the
 * MQTT handlers, which find packet boundaries themselves (a packet may span frames, a frame may hold
 * several packets); outgoing MQTT bytes become binary frames. Text frames are refused
 * [MQTT-6.0.0-1]; pings are answered; a close frame is echoed and the connection closed. A frame
 * Netty's decoder rejects (unmasked, reserved opcode, too large) is the client's fault, not an
 * internal error: the decoder has sent its close frame (1002 or 1009), and the close is recorded
 * here with that reason.
 */
public final class WebSocketMqttFrames extends MessageToMessageCodec<WebSocketFrame, ByteBuf> {

    private final Disconnector disconnector;

    public WebSocketMqttFrames(Disconnector disconnector) {
        this.disconnector = disconnector;
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, ByteBuf msg, List<Object> out) {
        out.add(new BinaryWebSocketFrame(msg.retain()));
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, WebSocketFrame frame, List<Object> out) {
        if (frame instanceof BinaryWebSocketFrame || frame instanceof ContinuationWebSocketFrame) {
            out.add(frame.content().retain());
        } else if (frame instanceof PingWebSocketFrame) {
            ctx.writeAndFlush(new PongWebSocketFrame(frame.content().retain()));
        } else if (frame instanceof CloseWebSocketFrame) {
            ctx.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.NORMAL_CLOSURE))
                    .addListener((ChannelFutureListener) f ->
                            disconnector.close(ctx.channel(), CloseReason.CLIENT_DISCONNECT, "WebSocket close"));
        } else if (frame instanceof TextWebSocketFrame) {
            ctx.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.INVALID_MESSAGE_TYPE,
                    "MQTT travels in binary frames")).addListener((ChannelFutureListener) f ->
                    disconnector.close(ctx.channel(), CloseReason.MALFORMED, "WebSocket text frame"));
        }
        // pong frames need no answer
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) throws Exception {
        if (cause instanceof CorruptedWebSocketFrameException corrupted) {
            CloseReason reason = corrupted.closeStatus() == WebSocketCloseStatus.MESSAGE_TOO_BIG
                    ? CloseReason.TOO_LARGE : CloseReason.MALFORMED;
            disconnector.close(ctx.channel(), reason, "WebSocket frame: " + cause.getMessage());
            return;
        }
        super.exceptionCaught(ctx, cause);
    }
}
