package io.dpsemu.server.netty;

import io.dpsemu.server.metrics.RateLimitedLog;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * The last handler of a listening channel. When accept fails (out of file descriptors: EMFILE),
 * the epoll and NIO server channels fire the error down the listening channel's pipeline; Netty's
 * acceptor pauses accepting for a second and passes it on, and the pipeline's tail would log it
 * with a stack trace each time. Here the failures become one line per interval with a count.
 */
@ChannelHandler.Sharable
public final class AcceptErrorHandler extends ChannelInboundHandlerAdapter {

    private final RateLimitedLog failures;

    public AcceptErrorHandler(RateLimitedLog failures) {
        this.failures = failures;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        failures.record(cause.getMessage() != null ? cause.getMessage() : cause.toString());
    }
}
