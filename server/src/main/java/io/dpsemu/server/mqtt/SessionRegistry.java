package io.dpsemu.server.mqtt;

import io.netty.channel.Channel;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One connection per client id: a new connection with the same client id takes over, and the older
 * one is closed (MQTT 3.1.1 §3.1.4).
 */
public final class SessionRegistry {

    private final Map<String, Channel> byClientId = new ConcurrentHashMap<>();

    /** Registers the channel and returns the one it replaces, if any. */
    Channel register(String clientId, Channel channel) {
        String key = clientId.toLowerCase(Locale.ROOT);
        Channel previous = byClientId.put(key, channel);
        channel.closeFuture().addListener(f -> byClientId.remove(key, channel));
        return previous == channel ? null : previous;
    }

    public int size() {
        return byClientId.size();
    }
}
