package io.dpsemu.server.netty;

import io.dpsemu.server.channel.HandlerNames;
import io.dpsemu.server.config.LimitsConfig;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.TimeUnit;

/**
 * The pipeline of the operations port: small plain-HTTP requests under the HTTPS port's deadlines
 * (the first request within {@code limits.connectTimeoutSeconds}, each request whole within
 * {@code limits.httpRequestTimeoutSeconds}, so a trickled request is closed) and idle timeout
 * ({@code limits.httpIdleTimeoutSeconds}), then the handler. None closes with a log line above
 * DEBUG: a slow or silent client is not the server's fault.
 */
public final class OperationsChannelInitializer extends ChannelInitializer<SocketChannel> {

    private static final int MAX_INITIAL_LINE_BYTES = 4096;
    private static final int MAX_REQUEST_BYTES = 8192;

    private final OperationsHandler handler;
    private final LimitsConfig limits;

    public OperationsChannelInitializer(OperationsHandler handler, LimitsConfig limits) {
        this.handler = handler;
        this.limits = limits;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        ch.pipeline()
                .addLast(HandlerNames.HTTP_DEADLINE, new HttpRequestDeadline(limits.connectTimeoutSeconds() * 1000L,
                        limits.httpRequestTimeoutSeconds() * 1000L, OperationsHandler::closeQuietly))
                .addLast(HandlerNames.HTTP_IDLE,
                        new IdleStateHandler(0, 0, limits.httpIdleTimeoutSeconds(), TimeUnit.SECONDS))
                .addLast(HandlerNames.HTTP_CODEC,
                        new HttpServerCodec(MAX_INITIAL_LINE_BYTES, MAX_REQUEST_BYTES, MAX_REQUEST_BYTES))
                .addLast(HandlerNames.HTTP_AGGREGATOR, new HttpObjectAggregator(MAX_REQUEST_BYTES))
                .addLast(handler);
    }
}
