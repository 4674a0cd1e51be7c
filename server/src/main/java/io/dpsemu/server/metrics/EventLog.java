package io.dpsemu.server.metrics;

import io.dpsemu.protocol.LogSafe;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Connection, authentication and registration outcomes, injected faults and throttling on the
 * {@code dps.events} logger, each with a stable code so that log searches and alerts survive wording
 * changes. Every value is written through {@link LogSafe}: ids, reasons and rules come from devices
 * and service callers, and one event must stay one line whatever they contain.
 */
public final class EventLog {

    private static final Logger LOG = LoggerFactory.getLogger("dps.events");
    private static final OverloadLog OVERLOAD = new OverloadLog((cause, refused) ->
            LOG.warn("DPS-4001 overloaded: {} ({} requests refused since the last report)", cause, refused));

    private EventLog() {
    }

    public static void connectRefused(Object remote, String clientId, String reason) {
        LOG.info("DPS-1001 CONNECT refused remote={} clientId={}: {}", remote, LogSafe.of(clientId),
                LogSafe.of(reason));
    }

    public static void closed(Object remote, String registrationId, String reason) {
        if (LOG.isDebugEnabled()) {
            LOG.debug("DPS-1002 connection closed remote={} registrationId={}: {}", remote,
                    LogSafe.of(registrationId), LogSafe.of(reason));
        }
    }

    /** One line per interval for connections closed before TLS by a connection limit. */
    public static void connectionsRefused(long count, long seconds, String latest) {
        LOG.warn("DPS-1003 {} connections refused before TLS in the last {} s; the latest {}", count, seconds, latest);
    }

    /** One line per interval while the listening socket cannot accept, typically out of file descriptors. */
    public static void acceptFailed(long count, long seconds, String latest) {
        LOG.warn("DPS-1004 accepting connections failed {} times in the last {} s (paused 1 s after each): {}",
                count, seconds, latest);
    }

    public static void authFailed(String registrationId, String reason) {
        LOG.info("DPS-2001 registration refused registrationId={}: {}", LogSafe.of(registrationId),
                LogSafe.of(reason));
    }

    public static void assigned(String registrationId, String hub, String deviceId) {
        LOG.info("DPS-3001 assigned registrationId={} hub={} deviceId={}", LogSafe.of(registrationId),
                LogSafe.of(hub), LogSafe.of(deviceId));
    }

    public static void notAssigned(String registrationId, String status, String reason) {
        LOG.info("DPS-3002 {} registrationId={}: {}", status, LogSafe.of(registrationId), LogSafe.of(reason));
    }

    /** Logged at most once a second per cause, with a count; never once per request. */
    public static void overloaded(String what) {
        OVERLOAD.refused(what, System.nanoTime());
    }

    public static void faultFired(String ruleId, String registrationId, String kind, String transport, Object action) {
        LOG.info("DPS-6001 fault {} fired for {} ({} over {}): {}", ruleId, LogSafe.of(registrationId), kind,
                transport, LogSafe.of(action));
    }

    public static void faultAdded(String ruleId, Object rule) {
        LOG.info("DPS-6002 fault {} added: {}", ruleId, LogSafe.of(rule));
    }

    public static void faultRemoved(String ruleId, String reason, int hits) {
        LOG.info("DPS-6003 fault {} removed ({}) after {} hits", ruleId, reason, hits);
    }

    /** Logged once per quota window (once per device and window for per-device quotas), not per request. */
    public static void throttlingStarted(String reason, int retryAfterSeconds) {
        LOG.info("DPS-7001 throttling: {}; admitting again in {} s", LogSafe.of(reason), retryAfterSeconds);
    }
}
