package io.dpsemu.protocol.enrollment;

import com.fasterxml.jackson.annotation.JsonInclude;

/** Names of CA certificates registered with the server. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record X509CaReferences(String primary, String secondary) {
}
