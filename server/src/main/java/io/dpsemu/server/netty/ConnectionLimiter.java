package io.dpsemu.server.netty;

import io.dpsemu.server.channel.CloseReason;
import io.dpsemu.server.channel.Disconnector;
import io.dpsemu.server.metrics.DpsMetrics;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Counts open device connections and closes new ones beyond the limit, before TLS, so a refused
 * socket costs no handshake.
 */
@ChannelHandler.Sharable
public final class ConnectionLimiter extends ChannelInboundHandlerAdapter {

    private final int maxConnections;
    private final DpsMetrics metrics;
    private final Disconnector disconnector;

    public ConnectionLimiter(int maxConnections, DpsMetrics metrics, Disconnector disconnector) {
        this.maxConnections = maxConnections;
        this.metrics = metrics;
        this.disconnector = disconnector;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        metrics.connectionOpened();
        if (metrics.activeConnections() > maxConnections) {
            disconnector.close(ctx.channel(), CloseReason.LIMIT, "more than " + maxConnections + " connections");
            return;
        }
        super.channelActive(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        metrics.connectionClosed();
        super.channelInactive(ctx);
    }
}
