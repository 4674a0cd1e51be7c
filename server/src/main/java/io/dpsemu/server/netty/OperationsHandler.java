package io.dpsemu.server.netty;

import io.dpsemu.protocol.LogSafe;
import io.dpsemu.server.metrics.StoreHealth;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.PrematureChannelClosureException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.timeout.IdleStateEvent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operations endpoint: {@code GET /metrics} in the Prometheus text format and {@code GET /health}
 * (200 while the store answers, 503 while it does not). One request per connection; nothing here
 * touches the store: health is what the last store call found. A malformed request gets 400 (431 for
 * an oversized head) and a close.
 */
@ChannelHandler.Sharable
public final class OperationsHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

    private static final Logger LOG = LoggerFactory.getLogger(OperationsHandler.class);
    private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private final PrometheusMeterRegistry registry;
    private final StoreHealth storeHealth;

    public OperationsHandler(PrometheusMeterRegistry registry, StoreHealth storeHealth) {
        this.registry = registry;
        this.storeHealth = storeHealth;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        HttpRequestDeadline deadline = ctx.pipeline().get(HttpRequestDeadline.class);
        if (deadline != null) {
            deadline.requestComplete();
        }
        String path = new QueryStringDecoder(request.uri()).rawPath();
        FullHttpResponse response;
        if (request.decoderResult().isFailure()) {
            response = text(request.decoderResult().cause() instanceof TooLongFrameException
                    ? HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE : HttpResponseStatus.BAD_REQUEST,
                    "text/plain", "malformed HTTP request\n");
        } else if (!HttpMethod.GET.equals(request.method())) {
            response = text(HttpResponseStatus.METHOD_NOT_ALLOWED, "text/plain", "only GET\n");
        } else if (path.equals("/metrics")) {
            response = text(HttpResponseStatus.OK, PROMETHEUS_TEXT, registry.scrape());
        } else if (path.equals("/health")) {
            boolean up = storeHealth.isUp();
            response = text(up ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE, "application/json",
                    "{\"status\":\"" + (up ? "UP" : "DOWN") + "\",\"store\":\"" + (up ? "UP" : "DOWN") + "\"}\n");
        } else {
            response = text(HttpResponseStatus.NOT_FOUND, "text/plain", "GET /metrics or /health\n");
        }
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }

    /** A connection left idle past {@code limits.httpIdleTimeoutSeconds}: closed without a word. */
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof IdleStateEvent) {
            closeQuietly(ctx.channel(), "idle");
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    /**
     * Resets, broken requests and the like are the client's doing: the connection is closed with a
     * DEBUG line, never a stack trace. Anything else is a fault of ours and says so.
     */
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof IOException || cause instanceof DecoderException
                || cause instanceof PrematureChannelClosureException) {
            closeQuietly(ctx.channel(), String.valueOf(cause.getMessage()));
        } else {
            LOG.warn("unexpected exception on the operations port from {}", ctx.channel().remoteAddress(), cause);
            ctx.close();
        }
    }

    /** Closes an operations connection for a client's reason (deadline, idle, reset) with a DEBUG line. */
    static void closeQuietly(Channel channel, String detail) {
        if (channel.isOpen()) {
            LOG.debug("operations connection from {} closed: {}", channel.remoteAddress(), LogSafe.of(detail));
            channel.close();
        }
    }

    private static FullHttpResponse text(HttpResponseStatus status, String contentType, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.wrappedBuffer(bytes));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType)
                .set(HttpHeaderNames.CONTENT_LENGTH, bytes.length)
                .set(HttpHeaderNames.CONNECTION, "close");
        return response;
    }
}
