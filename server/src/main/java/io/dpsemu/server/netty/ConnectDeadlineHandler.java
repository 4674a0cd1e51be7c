package io.dpsemu.server.netty;

import io.dpsemu.server.channel.Disconnector;
import io.dpsemu.server.metrics.CloseReason;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * An absolute deadline from accept to CONNACK. It covers a slow TLS handshake and a CONNECT
 * trickled byte by byte, which an idle timer alone would not. Removed when CONNECT is accepted.
 */
public final class ConnectDeadlineHandler extends ChannelInboundHandlerAdapter {

    private final long timeoutMillis;
    private final Disconnector disconnector;
    private ScheduledFuture<?> deadline;

    public ConnectDeadlineHandler(long timeoutMillis, Disconnector disconnector) {
        this.timeoutMillis = timeoutMillis;
        this.disconnector = disconnector;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (ctx.channel().isActive()) {
            arm(ctx);
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        arm(ctx);
        super.channelActive(ctx);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (deadline != null) {
            deadline.cancel(false);
        }
    }

    private void arm(ChannelHandlerContext ctx) {
        if (deadline == null) {
            deadline = ctx.executor().schedule(
                    () -> disconnector.close(ctx.channel(), CloseReason.CONNECT_TIMEOUT,
                            "no accepted CONNECT within " + timeoutMillis + " ms"),
                    timeoutMillis, TimeUnit.MILLISECONDS);
        }
    }
}
