package io.dpsemu.server.device;

import io.dpsemu.protocol.RequestKind;
import io.dpsemu.protocol.Transport;

/**
 * A device request as fault rules see it.
 *
 * @param enrollmentGroupId    the group that attested the device; null for an individual enrollment or
 *                             when not known
 * @param individualEnrollment whether an individual enrollment attested the device
 */
public record DeviceRequest(String registrationId, Transport transport, RequestKind kind, String enrollmentGroupId,
        boolean individualEnrollment) {
}
