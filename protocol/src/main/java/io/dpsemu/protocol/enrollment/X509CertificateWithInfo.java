package io.dpsemu.protocol.enrollment;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.dpsemu.protocol.model.X509CertificateInfo;

/** A PEM certificate as sent by the client, and the info the server computes from it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record X509CertificateWithInfo(String certificate, X509CertificateInfo info) {
}
