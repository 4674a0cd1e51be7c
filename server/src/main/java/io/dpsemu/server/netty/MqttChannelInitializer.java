package io.dpsemu.server.netty;

import io.dpsemu.server.channel.HandlerNames;
import io.dpsemu.server.mqtt.MqttServices;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;

/** The pipeline of MQTT over TLS (port 8883). */
public final class MqttChannelInitializer extends ChannelInitializer<SocketChannel> {

    private final SslContext sslContext;
    private final MqttServices services;
    private final ExceptionHandler exceptions;

    public MqttChannelInitializer(SslContext sslContext, MqttServices services, ExceptionHandler exceptions) {
        this.sslContext = sslContext;
        this.services = services;
        this.exceptions = exceptions;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        SslHandler tls = sslContext.newHandler(ch.alloc());
        tls.setHandshakeTimeoutMillis(services.limits().connectTimeoutSeconds() * 1000L);
        ch.pipeline().addLast(HandlerNames.TLS, tls);
        MqttHandlers.addTo(ch.pipeline(), services, exceptions);
    }
}
