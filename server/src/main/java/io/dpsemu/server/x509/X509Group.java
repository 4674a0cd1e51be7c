package io.dpsemu.server.x509;

import io.dpsemu.protocol.enrollment.EnrollmentGroup;
import java.security.cert.X509Certificate;
import java.util.List;

/** An X.509 enrollment group with its signing certificates (and resolved CA references) parsed. */
public record X509Group(EnrollmentGroup group, List<X509Certificate> signers) {
}
