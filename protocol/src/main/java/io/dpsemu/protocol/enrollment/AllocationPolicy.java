package io.dpsemu.protocol.enrollment;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** {@code allocationPolicy} of an enrollment or group (docs/protocol-notes.md#allocation). */
public enum AllocationPolicy {
    HASHED("hashed"),
    GEO_LATENCY("geoLatency"),
    STATIC("static"),
    CUSTOM("custom");

    private final String wire;

    AllocationPolicy(String wire) {
        this.wire = wire;
    }

    @JsonValue
    public String wire() {
        return wire;
    }

    @JsonCreator
    public static AllocationPolicy fromWire(String value) {
        for (AllocationPolicy p : values()) {
            if (p.wire.equalsIgnoreCase(value)) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown allocationPolicy '" + value + "'");
    }
}
