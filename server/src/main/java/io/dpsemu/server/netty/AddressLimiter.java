package io.dpsemu.server.netty;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How many connections one source address holds, and how fast it opens new ones: a rate with a
 * burst, so that the devices of a plant behind one NAT can all reconnect at once while one host
 * cannot hold the node's every connection. Thread-safe; times are {@link System#nanoTime()}.
 *
 * <p>An IPv6 source counts by its /64, which one host can fill with addresses of its own.
 */
public final class AddressLimiter {

    private static final int IPV6_PREFIX_BYTES = 8;

    public enum Verdict {
        ADMITTED,
        /** The address holds as many connections as it may. */
        TOO_MANY,
        /** The address opens connections faster than its rate and burst allow. */
        TOO_FAST
    }

    private final int maxPerAddress;
    /** Nanoseconds between two connections at the sustained rate. */
    private final long interval;
    /** How far ahead of now an address's next conforming time may run: the burst. */
    private final long tolerance;
    private final Map<InetAddress, Source> sources = new ConcurrentHashMap<>();

    public AddressLimiter(int maxPerAddress, int perSecond, int burst) {
        this.maxPerAddress = maxPerAddress;
        this.interval = 1_000_000_000L / perSecond;
        this.tolerance = (burst - 1) * interval;
    }

    /** Decides on a new connection; an admitted one counts until {@link #closed}. */
    public Verdict admit(InetAddress address, long nowNanos) {
        Verdict[] verdict = new Verdict[1];
        sources.compute(keyOf(address), (key, source) -> {
            Source s = source == null ? new Source(nowNanos) : source;
            verdict[0] = s.admit(nowNanos);
            return s;
        });
        return verdict[0];
    }

    /** An admitted connection from this address has closed. */
    public void closed(InetAddress address, long nowNanos) {
        sources.computeIfPresent(keyOf(address), (key, source) -> {
            source.open--;
            return source.forgettable(nowNanos) ? null : source;
        });
    }

    /** Forgets addresses that hold no connection and whose burst has refilled; called periodically. */
    public void sweep(long nowNanos) {
        for (InetAddress key : sources.keySet()) {
            sources.computeIfPresent(key, (k, source) -> source.forgettable(nowNanos) ? null : source);
        }
    }

    int trackedAddresses() {
        return sources.size();
    }

    private static InetAddress keyOf(InetAddress address) {
        if (!(address instanceof Inet6Address)) {
            return address;
        }
        byte[] prefix = Arrays.copyOf(Arrays.copyOf(address.getAddress(), IPV6_PREFIX_BYTES), 16);
        try {
            return InetAddress.getByAddress(prefix);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("16 bytes are an IPv6 address", e);
        }
    }

    /** One address: its open connections and, as a generic cell rate, when its next connection conforms. */
    private final class Source {

        private int open;
        private long conformsAt;

        Source(long nowNanos) {
            this.conformsAt = nowNanos;
        }

        Verdict admit(long nowNanos) {
            if (open >= maxPerAddress) {
                return Verdict.TOO_MANY;
            }
            long next = conformsAt - nowNanos > 0 ? conformsAt : nowNanos;
            if (next - nowNanos > tolerance) {
                return Verdict.TOO_FAST;
            }
            conformsAt = next + interval;
            open++;
            return Verdict.ADMITTED;
        }

        boolean forgettable(long nowNanos) {
            return open == 0 && conformsAt - nowNanos <= 0;
        }
    }
}
