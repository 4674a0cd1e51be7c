package io.dpsemu.server.netty;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.ReadTimeoutHandler;

/** The pipeline of the operations port: small plain-HTTP requests, a read timeout, the handler. */
public final class OperationsChannelInitializer extends ChannelInitializer<SocketChannel> {

    private static final int MAX_REQUEST_BYTES = 8192;
    private static final int READ_TIMEOUT_SECONDS = 10;

    private final OperationsHandler handler;

    public OperationsChannelInitializer(OperationsHandler handler) {
        this.handler = handler;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        ch.pipeline()
                .addLast(new ReadTimeoutHandler(READ_TIMEOUT_SECONDS))
                .addLast(new HttpServerCodec(4096, MAX_REQUEST_BYTES, MAX_REQUEST_BYTES))
                .addLast(new HttpObjectAggregator(MAX_REQUEST_BYTES))
                .addLast(handler);
    }
}
