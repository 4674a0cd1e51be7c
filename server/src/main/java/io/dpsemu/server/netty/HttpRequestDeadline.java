package io.dpsemu.server.netty;

import io.dpsemu.server.channel.Disconnector;
import io.dpsemu.server.metrics.CloseReason;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * The absolute deadlines of an HTTP connection. Its first request must start within the connect
 * timeout of the accept (TLS handshake included), so an idle connection is closed then, not
 * after the keep-alive idle timeout. Each request must then arrive whole within the request timeout
 * of its first byte: the deadline sits before the HTTP decoder, so a header trickled one byte at a
 * time is closed at it, which an idle timer would never do. The handler that takes the request
 * {@link #requestComplete() disarms} it per request. Used by the HTTPS port and the operations port
 * alike.
 */
public final class HttpRequestDeadline extends ChannelInboundHandlerAdapter {

    private final long firstRequestMillis;
    private final long requestMillis;
    private final BiConsumer<Channel, String> close;
    private ScheduledFuture<?> deadline;
    private boolean requested;

    /** @param close closes the channel at a deadline, with the detail to report */
    public HttpRequestDeadline(long firstRequestMillis, long requestMillis, BiConsumer<Channel, String> close) {
        this.firstRequestMillis = firstRequestMillis;
        this.requestMillis = requestMillis;
        this.close = close;
    }

    /** Deadlines whose expiry the disconnector reports (log line, {@code dps_connections_closed_total}). */
    public HttpRequestDeadline(long firstRequestMillis, long requestMillis, Disconnector disconnector) {
        this(firstRequestMillis, requestMillis,
                (channel, detail) -> disconnector.close(channel, CloseReason.CONNECT_TIMEOUT, detail));
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (ctx.channel().isActive()) {
            awaitFirstRequest(ctx);
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        awaitFirstRequest(ctx);
        super.channelActive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!requested) {
            requested = true;
            requestComplete();
        }
        if (deadline == null) {
            deadline = arm(ctx, requestMillis, "HTTP request not complete within " + requestMillis + " ms");
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

    private void awaitFirstRequest(ChannelHandlerContext ctx) {
        if (!requested && deadline == null) {
            deadline = arm(ctx, firstRequestMillis,
                    "no HTTP request within " + firstRequestMillis + " ms of connecting");
        }
    }

    private ScheduledFuture<?> arm(ChannelHandlerContext ctx, long millis, String detail) {
        return ctx.executor().schedule(() -> close.accept(ctx.channel(), detail), millis, TimeUnit.MILLISECONDS);
    }
}
