package io.dpsemu.server.channel;

import io.dpsemu.server.metrics.CloseReason;
import io.dpsemu.server.metrics.DpsMetrics;
import io.dpsemu.server.metrics.EventLog;
import io.netty.channel.Channel;
import io.netty.util.AttributeKey;

/** The one place that closes connections for protocol reasons: a log line, a counter, a close. */
public final class Disconnector {

    /** The registration id once CONNECT was accepted, for log lines. */
    public static final AttributeKey<String> REGISTRATION_ID = AttributeKey.valueOf("dps.registrationId");

    private final DpsMetrics metrics;

    public Disconnector(DpsMetrics metrics) {
        this.metrics = metrics;
    }

    public void close(Channel channel, CloseReason reason, String detail) {
        if (!channel.isOpen()) {
            return;
        }
        EventLog.closed(channel.remoteAddress(), channel.attr(REGISTRATION_ID).get(),
                detail == null ? reason.tag() : reason.tag() + ": " + detail);
        metrics.closed(reason);
        channel.close();
    }
}
