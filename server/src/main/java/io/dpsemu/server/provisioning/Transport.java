package io.dpsemu.server.provisioning;

import java.util.Arrays;
import java.util.stream.Collectors;

/** How a device reached the server, named as fault rules, configuration and the CLI name it. */
public enum Transport {
    MQTT("mqtt"),
    MQTT_WS("mqttws"),
    HTTPS("https");

    private final String configName;

    Transport(String configName) {
        this.configName = configName;
    }

    public String configName() {
        return configName;
    }

    /** @throws IllegalArgumentException when {@code name} is none of {@code mqtt}, {@code mqttws}, {@code https} */
    public static Transport parse(String name) {
        String wanted = name == null ? "" : name.trim();
        for (Transport transport : values()) {
            if (transport.configName.equalsIgnoreCase(wanted)) {
                return transport;
            }
        }
        throw new IllegalArgumentException("'" + name + "' is not a transport; expected one of "
                + Arrays.stream(values()).map(Transport::configName).collect(Collectors.joining(", ")));
    }

    @Override
    public String toString() {
        return configName;
    }
}
