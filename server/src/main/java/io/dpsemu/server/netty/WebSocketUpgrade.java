package io.dpsemu.server.netty;

import io.dpsemu.protocol.model.ErrorCodes;
import io.dpsemu.server.channel.HandlerNames;
import io.dpsemu.server.http.HttpResponses;
import io.dpsemu.server.metrics.CloseReason;
import io.dpsemu.server.mqtt.MqttServices;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakeException;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import java.util.Locale;
import java.util.Set;

/**
 * Turns an HTTP connection into MQTT over WebSocket (docs/protocol-notes.md#mqtt-over-websocket). Netty's handshaker
 * matches one path and compares subprotocols case-sensitively, so the checks are made here: the
 * SDKs' three paths (query strings allowed), version 13, and subprotocol {@code mqtt} in any letter
 * case, echoed in the client's own spelling. No extensions (no compression). After the 101, the same
 * MQTT handlers as on port 8883 run over binary frames.
 */
final class WebSocketUpgrade {

    /** C, Node and Python; Java through Paho; C#. */
    static final Set<String> PATHS = Set.of("/$iothub/websocket", "/mqtt", "/");
    private static final String VERSION_13 = "13";
    private static final String MQTT = "mqtt";

    private final MqttServices services;
    private final ExceptionHandler exceptions;

    WebSocketUpgrade(MqttServices services, ExceptionHandler exceptions) {
        this.services = services;
        this.exceptions = exceptions;
    }

    static boolean isUpgrade(FullHttpRequest request) {
        return request.headers().containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true);
    }

    /** Upgrades the connection, or answers why not and closes. */
    void upgrade(ChannelHandlerContext ctx, FullHttpRequest request) {
        String path = new QueryStringDecoder(request.uri()).path();
        if (!PATHS.contains(path)) {
            refuse(ctx, HttpResponses.error(ErrorCodes.NOT_FOUND,
                    "no WebSocket endpoint at '" + path + "'; use /$iothub/websocket, /mqtt or /"));
            return;
        }
        if (!HttpMethod.GET.equals(request.method())) {
            refuse(ctx, HttpResponses.error(ErrorCodes.BAD_REQUEST, "a WebSocket upgrade must be a GET"));
            return;
        }
        String version = request.headers().get(HttpHeaderNames.SEC_WEBSOCKET_VERSION);
        if (!VERSION_13.equals(version)) {
            FullHttpResponse response = HttpResponses.json(426, io.dpsemu.protocol.model.DpsError.of(
                    ErrorCodes.BAD_REQUEST, "WebSocket version " + version + " is not supported; use 13"));
            response.headers().set(HttpHeaderNames.SEC_WEBSOCKET_VERSION, VERSION_13);
            refuse(ctx, response);
            return;
        }
        String subprotocol = mqttSubprotocol(request.headers().get(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL));
        if (subprotocol == null) {
            refuse(ctx, HttpResponses.error(ErrorCodes.BAD_REQUEST,
                    "the WebSocket subprotocol 'mqtt' is required (Sec-WebSocket-Protocol)"));
            return;
        }
        WebSocketDecoderConfig frames = WebSocketDecoderConfig.newBuilder()
                .maxFramePayloadLength(services.limits().maxPacketBytes())
                .allowExtensions(false)
                .expectMaskedFrames(true)
                .closeOnProtocolViolation(true)
                .build();
        String url = "wss://" + request.headers().get(HttpHeaderNames.HOST, "localhost") + path;
        WebSocketServerHandshaker handshaker =
                new WebSocketServerHandshakerFactory(url, subprotocol, frames).newHandshaker(request);
        try {
            // Netty checks the rest (Connection: Upgrade, Sec-WebSocket-Key) before it touches the pipeline
            handshaker.handshake(ctx.channel(), request);
        } catch (WebSocketServerHandshakeException e) {
            refuse(ctx, HttpResponses.error(ErrorCodes.BAD_REQUEST, "not a WebSocket upgrade: " + e.getMessage()));
            return;
        }
        ChannelPipeline pipeline = ctx.pipeline();
        pipeline.remove(HandlerNames.HTTP_DEADLINE);
        pipeline.remove(HandlerNames.HTTP_IDLE);
        pipeline.remove(HandlerNames.EXCEPTIONS);
        pipeline.remove(HandlerNames.UPGRADE_GUARD);
        pipeline.addLast(HandlerNames.WS_MQTT, new WebSocketMqttFrames(services.disconnector()));
        MqttHandlers.addTo(pipeline, services, exceptions);
    }

    /** The client's own spelling of {@code mqtt} among its offered subprotocols, or null. */
    private static String mqttSubprotocol(String offered) {
        if (offered == null) {
            return null;
        }
        for (String candidate : offered.split(",")) {
            String trimmed = candidate.trim();
            if (trimmed.toLowerCase(Locale.ROOT).equals(MQTT)) {
                return trimmed;
            }
        }
        return null;
    }

    private void refuse(ChannelHandlerContext ctx, FullHttpResponse response) {
        response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(response).addListener(f -> services.disconnector().close(ctx.channel(),
                CloseReason.MALFORMED, "WebSocket upgrade refused: " + response.status()));
    }
}
