package io.dpsemu.protocol.enrollment;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** {@code attestation.type}; the service SDKs compare these spellings case-sensitively. */
public enum AttestationType {
    NONE("none"),
    TPM("tpm"),
    X509("x509"),
    SYMMETRIC_KEY("symmetricKey");

    private final String wire;

    AttestationType(String wire) {
        this.wire = wire;
    }

    @JsonValue
    public String wire() {
        return wire;
    }

    @JsonCreator
    public static AttestationType fromWire(String value) {
        for (AttestationType t : values()) {
            if (t.wire.equalsIgnoreCase(value)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown attestation type '" + value + "'");
    }
}
