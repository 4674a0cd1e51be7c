package io.dpsemu.server.netty;

import io.dpsemu.server.channel.HandlerNames;
import io.dpsemu.server.http.DeviceApi;
import io.dpsemu.server.mqtt.MqttServices;
import io.dpsemu.server.service.ServiceApi;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.TimeUnit;

/**
 * The pipeline of port 443: TLS, then HTTP with explicit limits, then the router that either
 * upgrades to MQTT over WebSocket or answers the HTTP APIs.
 */
public final class HttpsChannelInitializer extends ChannelInitializer<SocketChannel> {

    private static final int MAX_INITIAL_LINE_BYTES = 4096;
    private static final int MAX_CHUNK_BYTES = 8192;

    private final SslContext sslContext;
    private final MqttServices services;
    private final DeviceApi deviceApi;
    private final ServiceApi serviceApi;
    private final ExceptionHandler exceptions;

    public HttpsChannelInitializer(SslContext sslContext, MqttServices services, DeviceApi deviceApi,
            ServiceApi serviceApi, ExceptionHandler exceptions) {
        this.sslContext = sslContext;
        this.services = services;
        this.deviceApi = deviceApi;
        this.serviceApi = serviceApi;
        this.exceptions = exceptions;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        var limits = services.limits();
        SslHandler tls = sslContext.newHandler(ch.alloc());
        tls.setHandshakeTimeoutMillis(limits.connectTimeoutSeconds() * 1000L);
        HttpRequestDeadline deadline = new HttpRequestDeadline(limits.connectTimeoutSeconds() * 1000L,
                limits.httpRequestTimeoutSeconds() * 1000L, services.disconnector());
        ChannelPipeline p = ch.pipeline();
        p.addLast(HandlerNames.TLS, tls);
        p.addLast(HandlerNames.HTTP_DEADLINE, deadline);
        p.addLast(HandlerNames.HTTP_IDLE,
                new IdleStateHandler(0, 0, limits.httpIdleTimeoutSeconds(), TimeUnit.SECONDS));
        p.addLast(HandlerNames.HTTP_CODEC,
                new HttpServerCodec(MAX_INITIAL_LINE_BYTES, limits.maxHttpHeaderBytes(), MAX_CHUNK_BYTES));
        p.addLast(HandlerNames.HTTP_AGGREGATOR, new LimitedHttpAggregator(limits.maxHttpBodyBytes()));
        p.addLast(HandlerNames.UPGRADE_GUARD, new HttpsRouter(deviceApi, serviceApi,
                new WebSocketUpgrade(services, exceptions), deadline, services.disconnector()));
        p.addLast(HandlerNames.EXCEPTIONS, exceptions);
    }
}
