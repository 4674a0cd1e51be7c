package io.dpsemu.protocol.enrollment;

import com.fasterxml.jackson.annotation.JsonInclude;

/** {@code attestation.tpm}: kept so documents round-trip; dpsemu does not attest TPM devices. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TpmAttestation(String endorsementKey, String storageRootKey) {
}
