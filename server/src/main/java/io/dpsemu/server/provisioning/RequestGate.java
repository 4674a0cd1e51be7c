package io.dpsemu.server.provisioning;

import io.dpsemu.protocol.RequestKind;
import io.dpsemu.protocol.model.DpsError;
import io.dpsemu.protocol.model.ErrorCodes;
import io.dpsemu.server.device.DeviceRequest;
import io.dpsemu.server.device.DeviceResponse;
import io.dpsemu.server.faults.FaultAction;
import io.dpsemu.server.faults.FaultRules;
import io.dpsemu.server.throttling.Quotas;
import io.dpsemu.server.throttling.Throttled;
import java.util.Optional;

/**
 * What a device request passes before the engine serves it: the DPS-like quotas (off unless
 * configured) and the fault rules a developer set up to test retry code. Turns their verdicts into
 * device answers; the engine applies delays on its timer.
 */
public final class RequestGate {

    private final Quotas quotas;
    private final FaultRules faults;

    public RequestGate(Quotas quotas, FaultRules faults) {
        this.quotas = quotas;
        this.faults = faults;
    }

    /** A {@code 429} when the request is over a quota (counted otherwise); a status lookup counts as a register. */
    Optional<DeviceResponse> throttle(RequestKind kind, String registrationId) {
        Optional<Throttled> refused = kind == RequestKind.POLL ? quotas.admitPoll(registrationId)
                : quotas.admitRegister(registrationId);
        return refused.map(t -> DeviceResponse.error(DpsError.of(ErrorCodes.THROTTLED, t.reason()),
                t.retryAfterSeconds()));
    }

    /** The fault a rule injects into this request, if one fires (counted and logged by the rules). */
    Optional<FaultAction> fault(DeviceRequest request) {
        return faults.onRequest(request);
    }

    /**
     * The answer a fault replaces the normal one with, or empty when the request goes on (a delay
     * or a failed operation is applied by the engine on its way).
     */
    static Optional<DeviceResponse> answerOf(FaultAction action) {
        if (action instanceof FaultAction.Respond respond) {
            return Optional.of(DeviceResponse.error(DpsError.of(respond.errorCode(), respond.message()),
                    respond.retryAfterSeconds()));
        }
        if (action instanceof FaultAction.Drop) {
            return Optional.of(DeviceResponse.drop());
        }
        return Optional.empty();
    }
}
