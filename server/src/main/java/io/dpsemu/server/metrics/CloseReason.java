package io.dpsemu.server.metrics;

import java.util.Locale;

/**
 * Why a connection was closed: the {@code reason} label of {@code dps_connections_closed_total} and
 * the reason in the close log line.
 */
public enum CloseReason {
    MALFORMED,
    TOO_LARGE,
    NO_CONNECT,
    SECOND_CONNECT,
    CONNECT_REFUSED,
    CONNECT_TIMEOUT,
    FORBIDDEN_PACKET,
    FORBIDDEN_TOPIC,
    QOS_NOT_SUPPORTED,
    AUTH_FAILED,
    IDLE,
    TAKEN_OVER,
    LIMIT,
    ADDRESS_LIMIT,
    ADDRESS_RATE,
    CLIENT_DISCONNECT,
    TLS_FAILURE,
    FAULT_INJECTED,
    INTERNAL;

    /** The label value: the name in snake_case, e.g. {@code address_limit}. */
    public String tag() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether the server chose to close: a client's own DISCONNECT is logged but not counted. */
    public boolean byServer() {
        return this != CLIENT_DISCONNECT;
    }
}
