package io.dpsemu.protocol.model;

import com.fasterxml.jackson.annotation.JsonInclude;

/** {@code registrationState.symmetricKey}: names the group when a group-derived key attested. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SymmetricKeyRegistrationResult(String enrollmentGroupId) {
}
