package io.dpsemu.protocol.enrollment;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** {@code provisioningStatus} of an enrollment or group. */
public enum ProvisioningStatus {
    ENABLED("enabled"),
    DISABLED("disabled");

    private final String wire;

    ProvisioningStatus(String wire) {
        this.wire = wire;
    }

    @JsonValue
    public String wire() {
        return wire;
    }

    @JsonCreator
    public static ProvisioningStatus fromWire(String value) {
        for (ProvisioningStatus s : values()) {
            if (s.wire.equalsIgnoreCase(value)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown provisioningStatus '" + value + "'");
    }
}
