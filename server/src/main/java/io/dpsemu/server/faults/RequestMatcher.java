package io.dpsemu.server.faults;

import io.dpsemu.protocol.RequestKind;
import io.dpsemu.protocol.Transport;
import io.dpsemu.server.device.DeviceRequest;
import java.util.Set;

/**
 * Which device requests a fault rule applies to; every criterion must hold.
 *
 * @param registrationId    null = any device
 * @param enrollmentGroupId null = any device; else only devices of a group whose id matches
 * @param individualOnly    only devices attested by an individual enrollment
 */
record RequestMatcher(Glob registrationId, Glob enrollmentGroupId, boolean individualOnly, Set<Transport> transports,
        Set<RequestKind> kinds) {

    boolean matches(DeviceRequest request) {
        return kinds.contains(request.kind())
                && transports.contains(request.transport())
                && (!individualOnly || request.individualEnrollment())
                && (enrollmentGroupId == null || enrollmentGroupId.matches(request.enrollmentGroupId()))
                && (registrationId == null || registrationId.matches(request.registrationId()));
    }
}
