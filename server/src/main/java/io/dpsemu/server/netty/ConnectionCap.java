package io.dpsemu.server.netty;

import com.sun.management.UnixOperatingSystemMXBean;
import io.dpsemu.server.config.ConfigException;
import io.dpsemu.server.config.LimitsConfig;
import java.lang.management.ManagementFactory;
import java.util.OptionalLong;

/**
 * How many device connections this node takes: {@code limits.maxConnections}, lowered to what the
 * process's file descriptor limit leaves after {@code limits.reservedFileDescriptors}. Below the
 * descriptor limit, a connection beyond the cap is accepted and closed by the connection limiter;
 * at it, accepting would fail and new connections would wait in the backlog.
 *
 * @param connections      the effective cap
 * @param descriptorLimit  the process's descriptor limit, when the platform tells it
 * @param configured       {@code limits.maxConnections}
 * @param reserved         {@code limits.reservedFileDescriptors}
 */
public record ConnectionCap(int connections, OptionalLong descriptorLimit, int configured, int reserved) {

    public static ConnectionCap of(LimitsConfig limits, OptionalLong descriptorLimit) {
        int configured = limits.maxConnections();
        int reserved = limits.reservedFileDescriptors();
        if (descriptorLimit.isEmpty()) {
            return new ConnectionCap(configured, descriptorLimit, configured, reserved);
        }
        long left = descriptorLimit.getAsLong() - reserved;
        if (left < 1) {
            throw new ConfigException("configuration key 'limits.reservedFileDescriptors' (" + reserved
                    + ") leaves no connections under this process's file descriptor limit of "
                    + descriptorLimit.getAsLong() + "; raise the limit (ulimit -n) or lower the reserve");
        }
        return new ConnectionCap((int) Math.min(configured, left), descriptorLimit, configured, reserved);
    }

    /** The soft limit of open files of this process, as the JVM left it; empty off Unix. */
    public static OptionalLong processDescriptorLimit() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean unix
                ? OptionalLong.of(unix.getMaxFileDescriptorCount()) : OptionalLong.empty();
    }

    /** Whether the descriptor limit, not {@code limits.maxConnections}, decides the cap. */
    public boolean lowered() {
        return connections < configured;
    }

    /** One line for the start-up log. */
    public String describe() {
        if (lowered()) {
            return "connections capped at " + connections + ": the file descriptor limit of "
                    + descriptorLimit.getAsLong() + " minus limits.reservedFileDescriptors (" + reserved
                    + ") is below limits.maxConnections (" + configured
                    + "); raise the limit (ulimit -n, systemd LimitNOFILE=, docker --ulimit nofile=) for more";
        }
        return "connections capped at " + connections + " (limits.maxConnections"
                + (descriptorLimit.isPresent() ? "; file descriptor limit " + descriptorLimit.getAsLong() : "") + ")";
    }
}
