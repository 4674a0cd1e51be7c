package io.dpsemu.server.x509;

import io.dpsemu.protocol.enrollment.EnrollmentGroup;
import io.dpsemu.protocol.enrollment.IndividualEnrollment;
import io.dpsemu.protocol.model.X509RegistrationResult;

/** Which enrollment a device's certificate chain matches, and what the device is told about it. */
public sealed interface X509Decision {

    record Individual(IndividualEnrollment enrollment, X509RegistrationResult result) implements X509Decision {
    }

    record Group(EnrollmentGroup group, X509RegistrationResult result) implements X509Decision {
    }

    record Refused(String reason) implements X509Decision {
    }
}
