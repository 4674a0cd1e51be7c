package io.dpsemu.protocol.model;

import java.time.Instant;

/** The eight facts DPS computes for a certificate; clients require all of them when present. */
public record X509CertificateInfo(
        String subjectName,
        String sha1Thumbprint,
        String sha256Thumbprint,
        String issuerName,
        Instant notBeforeUtc,
        Instant notAfterUtc,
        String serialNumber,
        int version) {
}
