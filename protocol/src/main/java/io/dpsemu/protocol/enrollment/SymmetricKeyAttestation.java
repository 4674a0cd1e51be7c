package io.dpsemu.protocol.enrollment;

import com.fasterxml.jackson.annotation.JsonInclude;

/** {@code attestation.symmetricKey}: base64 keys; for a group these are the group keys. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SymmetricKeyAttestation(String primaryKey, String secondaryKey) {
}
