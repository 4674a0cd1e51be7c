package io.dpsemu.server.channel;

import java.util.Locale;

/** Why the server closed a connection: one metric tag, one log line. */
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

    public String tag() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
