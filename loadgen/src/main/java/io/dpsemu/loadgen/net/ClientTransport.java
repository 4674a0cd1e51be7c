package io.dpsemu.loadgen.net;

import java.util.Locale;

/** The three DPS device transports, with the ports the SDKs hard-code (docs/protocol-notes.md#ports). */
public enum ClientTransport {
    MQTT(8883),
    MQTTWS(443),
    HTTPS(443);

    private final int defaultPort;

    ClientTransport(int defaultPort) {
        this.defaultPort = defaultPort;
    }

    public int defaultPort() {
        return defaultPort;
    }

    public boolean isMqtt() {
        return this != HTTPS;
    }

    /** The spelling of the command line and the JSON summary. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
