package io.dpsemu.server.netty;

import io.dpsemu.server.channel.CloseReason;
import io.dpsemu.server.channel.Disconnector;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * An absolute deadline for each HTTP request, from its first byte to its last. It sits before the
 * HTTP decoder so that a header trickled one byte at a time is closed at the deadline, which an
 * idle timer would never do. The router {@link #requestComplete() disarms} it per request.
 */
public final class HttpRequestDeadline extends ChannelInboundHandlerAdapter {

    private final long timeoutMillis;
    private final Disconnector disconnector;
    private ScheduledFuture<?> deadline;

    public HttpRequestDeadline(long timeoutMillis, Disconnector disconnector) {
        this.timeoutMillis = timeoutMillis;
        this.disconnector = disconnector;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (deadline == null) {
            deadline = ctx.executor().schedule(() -> disconnector.close(ctx.channel(), CloseReason.CONNECT_TIMEOUT,
                    "HTTP request not complete within " + timeoutMillis + " ms"), timeoutMillis, TimeUnit.MILLISECONDS);
        }
        ctx.fireChannelRead(msg);
    }

    /** The request whose bytes armed the deadline has arrived whole. Called on the event loop. */
    public void requestComplete() {
        if (deadline != null) {
            deadline.cancel(false);
            deadline = null;
        }
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        requestComplete();
    }
}
