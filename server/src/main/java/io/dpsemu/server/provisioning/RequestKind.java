package io.dpsemu.server.provisioning;

import java.util.Arrays;
import java.util.stream.Collectors;

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
        String wanted = name == null ? "" : name.trim();
        for (RequestKind kind : values()) {
            if (kind.configName.equalsIgnoreCase(wanted)) {
                return kind;
            }
        }
        throw new IllegalArgumentException("'" + name + "' is not a request kind; expected one of "
                + Arrays.stream(values()).map(RequestKind::configName).collect(Collectors.joining(", ")));
    }

    @Override
    public String toString() {
        return configName;
    }
}
