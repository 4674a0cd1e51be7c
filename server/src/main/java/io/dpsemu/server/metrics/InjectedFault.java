package io.dpsemu.server.metrics;

import java.util.Locale;

/** What a fired fault rule did: the {@code action} label of {@code dps_faults_fired_total}. */
public enum InjectedFault {
    RESPOND,
    DELAY,
    DROP,
    FAIL_OPERATION;

    public String tag() {
        return name().toLowerCase(Locale.ROOT);
    }
}
