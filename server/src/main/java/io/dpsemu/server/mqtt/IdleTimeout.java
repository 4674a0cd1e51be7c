package io.dpsemu.server.mqtt;

import io.dpsemu.server.config.LimitsConfig;
import io.dpsemu.server.channel.HandlerNames;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.TimeUnit;

/**
 * The idle timeout of a device connection: 1.5 x the client's keep-alive (MQTT 3.1.1 §3.1.2.10),
 * capped at {@code limits.maxKeepAliveSeconds}, which also applies when the client asks for none.
 * Until the device has authenticated it is no longer than {@code limits.connectTimeoutSeconds}: a
 * connection that never proves who it is must not hold a descriptor for half an hour.
 */
final class IdleTimeout {

    private IdleTimeout() {
    }

    static long millis(int keepAliveSeconds, boolean authenticated, LimitsConfig limits) {
        long cap = TimeUnit.SECONDS.toMillis(authenticated ? limits.maxKeepAliveSeconds()
                : Math.min(limits.maxKeepAliveSeconds(), limits.connectTimeoutSeconds()));
        return keepAliveSeconds <= 0 ? cap : Math.min(cap, keepAliveSeconds * 1500L);
    }

    /** Installs the session's idle timeout after the decoder, or replaces it once the session authenticated. */
    static void apply(ChannelPipeline pipeline, DeviceSession session, LimitsConfig limits) {
        IdleStateHandler idle = new IdleStateHandler(
                millis(session.keepAliveSeconds(), session.authenticated(), limits), 0, 0, TimeUnit.MILLISECONDS);
        if (pipeline.get(HandlerNames.KEEP_ALIVE) == null) {
            pipeline.addAfter(HandlerNames.MQTT_DECODER, HandlerNames.KEEP_ALIVE, idle);
        } else {
            pipeline.replace(HandlerNames.KEEP_ALIVE, HandlerNames.KEEP_ALIVE, idle);
        }
    }
}
