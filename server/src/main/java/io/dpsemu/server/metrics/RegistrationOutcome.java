package io.dpsemu.server.metrics;

import java.util.Locale;

/** How a register request ended: the {@code outcome} label of {@code dps_registrations_total}. */
public enum RegistrationOutcome {
    /** The record is durable and the device has its hub. */
    ASSIGNED(true),
    /** The device's enrollment is disabled. */
    DISABLED(true),
    /** No hub could be assigned (allocation, custom webhook) or a fault rule failed the operation. */
    FAILED(true),
    /** Answered 5xx: the store failed, stalled or did not answer in time, or an internal error. */
    ERROR(true),
    /** The device's credentials were refused (401); no operation was started. */
    UNAUTHORIZED(false),
    /** A quota or a bound of the server refused it (429); no operation was started. */
    THROTTLED(false);

    private final boolean endsOperation;

    RegistrationOutcome(boolean endsOperation) {
        this.endsOperation = endsOperation;
    }

    /** Whether an operation (started by the request's 202) can end so: only those outcomes have a duration. */
    public boolean endsOperation() {
        return endsOperation;
    }

    public String tag() {
        return name().toLowerCase(Locale.ROOT);
    }
}
