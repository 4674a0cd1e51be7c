package io.dpsemu.server.netty;

import io.dpsemu.server.channel.Disconnector;
import io.dpsemu.server.metrics.CloseReason;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.PrematureChannelClosureException;
import java.io.IOException;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The last handler: any exception that got this far closes the connection with a reason. */
@ChannelHandler.Sharable
public final class ExceptionHandler extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(ExceptionHandler.class);

    private final Disconnector disconnector;

    public ExceptionHandler(Disconnector disconnector) {
        this.disconnector = disconnector;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof DecoderException && cause.getCause() instanceof SSLException) {
            disconnector.close(ctx.channel(), CloseReason.TLS_FAILURE, cause.getCause().getMessage());
        } else if (cause instanceof IOException || cause instanceof PrematureChannelClosureException) {
            // connection reset and the like, or closed (by the peer or a deadline) in the middle of a
            // request: the peer is gone or was sent away, nothing to report
            disconnector.close(ctx.channel(), CloseReason.CLIENT_DISCONNECT, cause.getMessage());
        } else {
            LOG.warn("unexpected exception on {}", ctx.channel().remoteAddress(), cause);
            disconnector.close(ctx.channel(), CloseReason.INTERNAL, cause.toString());
        }
    }
}
