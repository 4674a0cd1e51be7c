package io.dpsemu.protocol;

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
        return ConfigNames.parse(values(), Transport::configName, "a transport", name);
    }

    @Override
    public String toString() {
        return configName;
    }
}
