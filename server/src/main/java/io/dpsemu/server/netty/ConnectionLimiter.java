package io.dpsemu.server.netty;

import io.dpsemu.server.config.LimitsConfig;
import io.dpsemu.server.metrics.CloseReason;
import io.dpsemu.server.metrics.DpsMetrics;
import io.dpsemu.server.metrics.EventLog;
import io.dpsemu.server.metrics.RateLimitedLog;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * Admits the connections the device ports accept, on the listening channels before Netty's acceptor
 * ({@code ServerBootstrap.handler}): a connection beyond the node's cap or its source address's
 * limits is closed at once on the accepting thread, before it reaches an event loop, so a flood
 * costs no TLS handshake and holds no file descriptor beyond that moment. Refusals are counted by
 * reason and summarized in the log once per interval, never logged one by one.
 */
@ChannelHandler.Sharable
public final class ConnectionLimiter extends ChannelInboundHandlerAdapter {

    private final int maxConnections;
    private final AddressLimiter addresses;
    private final DpsMetrics metrics;
    private final RateLimitedLog refusals;
    private final String tooMany;
    private final String tooManyFromAddress;
    private final String tooFastFromAddress;

    /** The node's cap, and the per-address limits of {@code limits}. */
    public ConnectionLimiter(ConnectionCap cap, LimitsConfig limits, DpsMetrics metrics, RateLimitedLog refusals) {
        this.maxConnections = cap.connections();
        this.addresses = new AddressLimiter(limits.maxConnectionsPerAddress(), limits.connectionsPerAddressPerSecond(),
                limits.connectionBurstPerAddress());
        this.metrics = metrics;
        this.refusals = refusals;
        this.tooMany = "more than " + maxConnections + " connections"
                + (cap.lowered() ? " (the file descriptor limit)" : " (limits.maxConnections)");
        this.tooManyFromAddress = "more than " + limits.maxConnectionsPerAddress()
                + " connections from this address (limits.maxConnectionsPerAddress)";
        this.tooFastFromAddress = "more than " + limits.connectionsPerAddressPerSecond() + " new connections per"
                + " second from this address beyond a burst of " + limits.connectionBurstPerAddress()
                + " (limits.connectionsPerAddressPerSecond, limits.connectionBurstPerAddress)";
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        Channel accepted = (Channel) msg;
        InetAddress source = accepted.remoteAddress() instanceof InetSocketAddress remote ? remote.getAddress() : null;
        CloseReason refusal = refusal(source);
        if (refusal != null) {
            refuse(accepted, refusal);
            return;
        }
        metrics.connectionOpened();
        accepted.closeFuture().addListener(f -> {
            metrics.connectionClosed();
            if (source != null) {
                addresses.closed(source, System.nanoTime());
            }
        });
        ctx.fireChannelRead(accepted);
    }

    /** Forgets quiet addresses; called periodically. */
    public void sweep() {
        addresses.sweep(System.nanoTime());
    }

    /** Why a connection from this source may not be admitted, or null when it may. */
    private CloseReason refusal(InetAddress source) {
        // one accepting thread serves both ports, so this check and the count cannot race
        if (metrics.activeConnections() >= maxConnections) {
            return CloseReason.LIMIT;
        }
        if (source == null) {
            return null;
        }
        return switch (addresses.admit(source, System.nanoTime())) {
            case ADMITTED -> null;
            case TOO_MANY -> CloseReason.ADDRESS_LIMIT;
            case TOO_FAST -> CloseReason.ADDRESS_RATE;
        };
    }

    /** The channel is not registered yet: Netty's acceptor drops such a channel the same way. */
    private void refuse(Channel accepted, CloseReason reason) {
        String why = switch (reason) {
            case ADDRESS_LIMIT -> tooManyFromAddress;
            case ADDRESS_RATE -> tooFastFromAddress;
            default -> tooMany;
        };
        refusals.record("from " + accepted.remoteAddress() + ": " + why);
        metrics.closed(reason);
        EventLog.closed(accepted.remoteAddress(), null, reason.tag() + ": " + why);
        accepted.unsafe().closeForcibly();
    }
}
