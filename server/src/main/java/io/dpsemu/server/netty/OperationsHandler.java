package io.dpsemu.server.netty;

import io.dpsemu.server.metrics.StoreHealth;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;

/**
 * The operations endpoint: {@code GET /metrics} in the Prometheus text format and {@code GET /health}
 * (200 while the store answers, 503 while it does not). One request per connection; nothing here
 * touches the store: health is what the last store call found.
 */
@ChannelHandler.Sharable
public final class OperationsHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

    private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private final PrometheusMeterRegistry registry;
    private final StoreHealth storeHealth;

    public OperationsHandler(PrometheusMeterRegistry registry, StoreHealth storeHealth) {
        this.registry = registry;
        this.storeHealth = storeHealth;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        String path = new QueryStringDecoder(request.uri()).rawPath();
        FullHttpResponse response;
        if (!HttpMethod.GET.equals(request.method())) {
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
