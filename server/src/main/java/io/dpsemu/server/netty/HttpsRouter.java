package io.dpsemu.server.netty;

import io.dpsemu.protocol.model.ErrorCodes;
import io.dpsemu.server.channel.Disconnector;
import io.dpsemu.server.channel.TlsPeer;
import io.dpsemu.server.http.DeviceApi;
import io.dpsemu.server.http.DropConnection;
import io.dpsemu.server.http.HttpResponses;
import io.dpsemu.server.metrics.CloseReason;
import io.dpsemu.server.service.ServiceApi;
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
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The upgrade guard of port 443: a WebSocket upgrade becomes MQTT over WebSocket, every other
 * request goes to the HTTP APIs. One request is worked on at a time per connection (reading pauses
 * until its response is written), so pipelined requests are answered in order.
 */
public final class HttpsRouter extends SimpleChannelInboundHandler<FullHttpRequest> {

    private final DeviceApi deviceApi;
    private final ServiceApi serviceApi;
    private final WebSocketUpgrade webSocket;
    private final HttpRequestDeadline deadline;
    private final Disconnector disconnector;
    /** Requests already decoded while another was being answered: pipelined, answered in order. */
    private final Deque<FullHttpRequest> waiting = new ArrayDeque<>();
    private boolean busy;
    private boolean closing;

    HttpsRouter(DeviceApi deviceApi, ServiceApi serviceApi, WebSocketUpgrade webSocket, HttpRequestDeadline deadline,
            Disconnector disconnector) {
        this.deviceApi = deviceApi;
        this.serviceApi = serviceApi;
        this.webSocket = webSocket;
        this.deadline = deadline;
        this.disconnector = disconnector;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        deadline.requestComplete();
        if (closing) {
            return;
        }
        if (busy) {
            // pausing reads does not stop the decoder from passing on requests it already holds
            waiting.add(request.retain());
            return;
        }
        route(ctx, request);
    }

    private void route(ChannelHandlerContext ctx, FullHttpRequest request) {
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
        // the service API first: it takes only its own resource names, which the device API's
        // {idScope}/registrations/... paths would otherwise swallow for an id such as "registrations"
        Optional<CompletableFuture<FullHttpResponse>> answer = serviceApi.handle(request);
        if (answer.isEmpty()) {
            answer = deviceApi.handle(request, () -> TlsPeer.certificateChain(ctx.channel()));
        }
        if (answer.isEmpty()) {
            respond(ctx, HttpResponses.error(ErrorCodes.NOT_FOUND,
                    "nothing at " + request.method() + " " + new QueryStringDecoder(request.uri()).rawPath()),
                    keepAlive);
            return;
        }
        busy = true;
        ctx.channel().config().setAutoRead(false);
        answer.get().whenComplete((response, error) -> ctx.executor().execute(() -> {
            busy = false;
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause()
                    : error;
            if (cause instanceof DropConnection) {
                closing = true;
                disconnector.close(ctx.channel(), CloseReason.FAULT_INJECTED, cause.getMessage());
                releaseWaiting();
                return;
            }
            respond(ctx, error == null ? response : HttpResponses.error(ErrorCodes.INTERNAL_ERROR, "internal error"),
                    keepAlive);
            routeWaiting(ctx);
        }));
    }

    /** Answers the requests that arrived meanwhile, in order; reading resumes once none is left. */
    private void routeWaiting(ChannelHandlerContext ctx) {
        for (FullHttpRequest next; !busy && !closing && (next = waiting.poll()) != null; ) {
            try {
                route(ctx, next);
            } finally {
                next.release();
            }
        }
        if (closing) {
            releaseWaiting();
        } else if (!busy) {
            ctx.channel().config().setAutoRead(true);
        }
    }

    private void releaseWaiting() {
        for (FullHttpRequest request; (request = waiting.poll()) != null; ) {
            request.release();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        releaseWaiting();
        super.channelInactive(ctx);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        releaseWaiting();
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
            closing = true;
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
