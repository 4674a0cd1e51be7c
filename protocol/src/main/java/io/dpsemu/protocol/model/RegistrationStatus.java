package io.dpsemu.protocol.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** The {@code status} of a registration operation and of a registration record, spelled as on the wire. */
public enum RegistrationStatus {
    UNASSIGNED("unassigned"),
    ASSIGNING("assigning"),
    ASSIGNED("assigned"),
    FAILED("failed"),
    DISABLED("disabled");

    private final String wire;

    RegistrationStatus(String wire) {
        this.wire = wire;
    }

    @JsonValue
    public String wire() {
        return wire;
    }

    public boolean isTerminal() {
        return this == ASSIGNED || this == FAILED || this == DISABLED;
    }

    @JsonCreator
    public static RegistrationStatus fromWire(String value) {
        for (RegistrationStatus s : values()) {
            if (s.wire.equalsIgnoreCase(value)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown registration status '" + value + "'");
    }
}
