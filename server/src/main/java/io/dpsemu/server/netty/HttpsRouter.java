package io.dpsemu.server.netty;

import io.dpsemu.protocol.model.ErrorCodes;
import io.dpsemu.server.http.DeviceApi;
import io.dpsemu.server.http.HttpResponses;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.timeout.IdleStateEvent;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The upgrade guard of port 443: a WebSocket upgrade becomes MQTT over WebSocket, every other
 * request goes to the HTTP APIs. One request is worked on at a time per connection (reading pauses
 * until its response is written), so pipelined requests are answered in order.
 */
public final class HttpsRouter extends SimpleChannelInboundHandler<FullHttpRequest> {

    private final DeviceApi deviceApi;
    private final WebSocketUpgrade webSocket;
    private final HttpRequestDeadline deadline;
    private final Disconnector disconnector;
    private boolean busy;

    HttpsRouter(DeviceApi deviceApi, WebSocketUpgrade webSocket, HttpRequestDeadline deadline,
            Disconnector disconnector) {
        this.deviceApi = deviceApi;
        this.webSocket = webSocket;
        this.deadline = deadline;
        this.disconnector = disconnector;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        deadline.requestComplete();
        if (request.decoderResult().isFailure()) {
            Throwable cause = request.decoderResult().cause();
            int code = cause instanceof TooLongFrameException ? ErrorCodes.HEADERS_TOO_LARGE : ErrorCodes.BAD_REQUEST;
            respond(ctx, HttpResponses.error(code, "malformed HTTP request: " + cause.getMessage()), false);
            return;
        }
        if (WebSocketUpgrade.isUpgrade(request)) {
            webSocket.upgrade(ctx, request);
            return;
        }
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        Optional<CompletableFuture<FullHttpResponse>> answer = deviceApi.handle(request);
        if (answer.isEmpty()) {
            respond(ctx, HttpResponses.error(ErrorCodes.NOT_FOUND,
                    "nothing at " + request.method() + " " + new QueryStringDecoder(request.uri()).path()), keepAlive);
            return;
        }
        busy = true;
        ctx.channel().config().setAutoRead(false);
        answer.get().whenComplete((response, error) -> ctx.executor().execute(() -> {
            busy = false;
            ctx.channel().config().setAutoRead(true);
            respond(ctx, error == null ? response : HttpResponses.error(ErrorCodes.INTERNAL_ERROR, "internal error"),
                    keepAlive);
        }));
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof IdleStateEvent && !busy) {
            disconnector.close(ctx.channel(), CloseReason.IDLE, "idle keep-alive HTTP connection");
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    private void respond(ChannelHandlerContext ctx, FullHttpResponse response, boolean keepAlive) {
        if (!ctx.channel().isActive()) {
            response.release();
            return;
        }
        if (keepAlive) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            ctx.writeAndFlush(response);
        } else {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
