package io.dpsemu.protocol;

/** What a device asked for: to register, or the status of its registration operation. */
public enum RequestKind {
    REGISTER("register"),
    POLL("poll");

    private final String configName;

    RequestKind(String configName) {
        this.configName = configName;
    }

    public String configName() {
        return configName;
    }

    /** @throws IllegalArgumentException when {@code name} is neither {@code register} nor {@code poll} */
    public static RequestKind parse(String name) {
        return ConfigNames.parse(values(), RequestKind::configName, "a request kind", name);
    }

    @Override
    public String toString() {
        return configName;
    }
}
