package io.dpsemu.server.metrics;

import io.dpsemu.protocol.LogSafe;
import io.dpsemu.protocol.Transport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * Connection, authentication and registration outcomes, injected faults, throttling and the store's
 * state on the {@code dps.events} logger, each with a stable code so that log searches and alerts
 * survive wording changes. Every value is written through {@link LogSafe}: ids, reasons and rules come
 * from devices and service callers, and one event must stay one line whatever they contain.
 *
 * <p>The code and what the event is about ({@code registrationId}, {@code transport}, {@code remote},
 * ...) are key-value pairs of the event as well: the text format shows the message alone, the JSON
 * format gives each pair a field of its own.
 */
public final class EventLog {

    private static final Logger LOG = LoggerFactory.getLogger("dps.events");
    private static final OverloadLog OVERLOAD = new OverloadLog((cause, refused) -> at(Level.WARN, "DPS-4001")
            .log("DPS-4001 overloaded: {} ({} requests refused since the last report)", cause, refused));

    private EventLog() {
    }

    public static void connectRefused(Object remote, String clientId, String reason) {
        at(Level.INFO, "DPS-1001").addKeyValue("remote", String.valueOf(remote))
                .addKeyValue("clientId", LogSafe.of(clientId))
                .log("DPS-1001 CONNECT refused remote={} clientId={}: {}", remote, LogSafe.of(clientId),
                        LogSafe.of(reason));
    }

    public static void closed(Object remote, String registrationId, String reason) {
        if (LOG.isDebugEnabled()) {
            at(Level.DEBUG, "DPS-1002").addKeyValue("remote", String.valueOf(remote))
                    .addKeyValue("registrationId", LogSafe.of(registrationId))
                    .log("DPS-1002 connection closed remote={} registrationId={}: {}", remote,
                            LogSafe.of(registrationId), LogSafe.of(reason));
        }
    }

    /** One line per interval for connections closed before TLS by a connection limit. */
    public static void connectionsRefused(long count, long seconds, String latest) {
        at(Level.WARN, "DPS-1003").log("DPS-1003 {} connections refused before TLS in the last {} s; the latest {}",
                count, seconds, latest);
    }

    /** One line per interval while the listening socket cannot accept, typically out of file descriptors. */
    public static void acceptFailed(long count, long seconds, String latest) {
        at(Level.WARN, "DPS-1004").log(
                "DPS-1004 accepting connections failed {} times in the last {} s (paused 1 s after each): {}",
                count, seconds, latest);
    }

    public static void authFailed(String registrationId, Transport transport, String reason) {
        device(Level.INFO, "DPS-2001", registrationId, transport)
                .log("DPS-2001 registration refused registrationId={}: {}", LogSafe.of(registrationId),
                        LogSafe.of(reason));
    }

    public static void assigned(String registrationId, Transport transport, String hub, String deviceId) {
        device(Level.INFO, "DPS-3001", registrationId, transport).addKeyValue("hub", LogSafe.of(hub))
                .addKeyValue("deviceId", LogSafe.of(deviceId))
                .log("DPS-3001 assigned registrationId={} hub={} deviceId={}", LogSafe.of(registrationId),
                        LogSafe.of(hub), LogSafe.of(deviceId));
    }

    public static void notAssigned(String registrationId, Transport transport, String status, String reason) {
        device(Level.INFO, "DPS-3002", registrationId, transport).addKeyValue("status", status)
                .log("DPS-3002 {} registrationId={}: {}", status, LogSafe.of(registrationId), LogSafe.of(reason));
    }

    public static void certificateIssued(String registrationId, Transport transport, String policy, String serialNumber,
            String sha256Thumbprint, Object notAfter) {
        device(Level.INFO, "DPS-3101", registrationId, transport).addKeyValue("policy", policy)
                .addKeyValue("serialNumber", serialNumber)
                .log("DPS-3101 certificate issued registrationId={} policy={} serial={} sha256={} notAfter={}",
                        LogSafe.of(registrationId), policy, serialNumber, sha256Thumbprint, notAfter);
    }

    public static void certificateRefused(String registrationId, Transport transport, String reason) {
        device(Level.INFO, "DPS-3102", registrationId, transport)
                .log("DPS-3102 certificate signing request refused registrationId={}: {}", LogSafe.of(registrationId),
                        LogSafe.of(reason));
    }

    public static void certificateRequestIgnored(String registrationId, Transport transport, String apiVersion,
            String since) {
        device(Level.INFO, "DPS-3103", registrationId, transport)
                .log("DPS-3103 csr ignored registrationId={}: api-version {} predates {}", LogSafe.of(registrationId),
                        LogSafe.of(apiVersion), since);
    }

    /** Logged at most once a second per cause, with a count; never once per request. */
    public static void overloaded(String what) {
        OVERLOAD.refused(what, System.nanoTime());
    }

    /** The first failure that takes the store down; devices get 503 until {@link #storeAvailable}. */
    public static void storeUnavailable(String why) {
        at(Level.ERROR, "DPS-5001").log(
                "DPS-5001 the store is unavailable; devices get 503 with retry-after until it returns: {}",
                LogSafe.of(why));
    }

    public static void storeAvailable() {
        at(Level.INFO, "DPS-5002").log("DPS-5002 the store answers again; devices are served normally");
    }

    public static void faultFired(String ruleId, String registrationId, String kind, Transport transport,
            Object action) {
        device(Level.INFO, "DPS-6001", registrationId, transport).addKeyValue("faultRule", ruleId)
                .log("DPS-6001 fault {} fired for {} ({} over {}): {}", ruleId, LogSafe.of(registrationId), kind,
                        transport, LogSafe.of(action));
    }

    public static void faultAdded(String ruleId, Object rule) {
        at(Level.INFO, "DPS-6002").addKeyValue("faultRule", ruleId)
                .log("DPS-6002 fault {} added: {}", ruleId, LogSafe.of(rule));
    }

    public static void faultRemoved(String ruleId, String reason, int hits) {
        at(Level.INFO, "DPS-6003").addKeyValue("faultRule", ruleId)
                .log("DPS-6003 fault {} removed ({}) after {} hits", ruleId, reason, hits);
    }

    /** Logged once per quota window (once per device and window for per-device quotas), not per request. */
    public static void throttlingStarted(String reason, int retryAfterSeconds) {
        at(Level.INFO, "DPS-7001").log("DPS-7001 throttling: {}; admitting again in {} s", LogSafe.of(reason),
                retryAfterSeconds);
    }

    private static LoggingEventBuilder at(Level level, String code) {
        return LOG.atLevel(level).addKeyValue("code", code);
    }

    private static LoggingEventBuilder device(Level level, String code, String registrationId, Transport transport) {
        return at(level, code).addKeyValue("registrationId", LogSafe.of(registrationId))
                .addKeyValue("transport", transport.configName());
    }
}
