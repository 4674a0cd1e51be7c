package io.dpsemu.protocol.enrollment;

import com.fasterxml.jackson.annotation.JsonInclude;

/** {@code attestation} of an enrollment or group (docs/protocol-notes.md#enrollment-documents). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AttestationMechanism(
        AttestationType type,
        TpmAttestation tpm,
        X509Attestation x509,
        SymmetricKeyAttestation symmetricKey) {

    public static AttestationMechanism symmetricKey(String primaryKey, String secondaryKey) {
        return new AttestationMechanism(AttestationType.SYMMETRIC_KEY, null, null,
                new SymmetricKeyAttestation(primaryKey, secondaryKey));
    }
}
