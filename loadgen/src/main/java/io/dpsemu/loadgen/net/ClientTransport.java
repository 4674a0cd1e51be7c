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

    /**
     * The transport of a command-line spelling, in any case.
     *
     * @throws IllegalArgumentException naming the transports there are
     */
    public static ClientTransport ofLabel(String label) {
        for (ClientTransport t : values()) {
            if (t.label().equalsIgnoreCase(label)) {
                return t;
            }
        }
        throw new IllegalArgumentException("'" + label + "' is not a transport: mqtt, mqttws or https");
    }

    /** The spelling of the command line and the JSON summary. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
