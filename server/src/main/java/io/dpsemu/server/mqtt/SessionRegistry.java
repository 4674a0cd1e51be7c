package io.dpsemu.server.mqtt;

import io.netty.channel.Channel;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One connection per client id (MQTT 3.1.1 §3.1.4). A new connection claims a free client id at
 * once; it takes over one that a live connection holds only after it proved the same identity, and
 * the older connection is then closed.
 */
public final class SessionRegistry {

    private final Map<String, Channel> byClientId = new ConcurrentHashMap<>();

    /** Takes the client id for the channel unless another live connection holds it. */
    boolean claim(String clientId, Channel channel) {
        String key = key(clientId);
        boolean[] claimed = new boolean[1];
        byClientId.compute(key, (k, holder) -> {
            if (holder != null && holder != channel && holder.isActive()) {
                return holder;
            }
            claimed[0] = true;
            return channel;
        });
        if (claimed[0]) {
            releaseOnClose(key, channel);
        }
        return claimed[0];
    }

    /**
     * Gives the client id to the channel, whose credentials were verified, and returns the
     * connection it replaces, if any.
     */
    Channel takeOver(String clientId, Channel channel) {
        String key = key(clientId);
        Channel previous = byClientId.put(key, channel);
        releaseOnClose(key, channel);
        return previous == channel ? null : previous;
    }

    public int size() {
        return byClientId.size();
    }

    private void releaseOnClose(String key, Channel channel) {
        channel.closeFuture().addListener(f -> byClientId.remove(key, channel));
    }

    private static String key(String clientId) {
        return clientId.toLowerCase(Locale.ROOT);
    }
}
