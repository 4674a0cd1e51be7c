package io.dpsemu.server.metrics;

import java.util.Locale;

/**
 * The quota that refused a request: the {@code quota} label of {@code dps_throttled_total}, the
 * snake_case form of its {@code throttling.*} configuration key.
 */
public enum ThrottledQuota {
    REGISTRATIONS_PER_MINUTE("registrationsPerMinute"),
    OPERATIONS_PER_MINUTE("operationsPerMinute"),
    POLLS_PER_DEVICE_PER_10_SECONDS("pollsPerDevicePer10Seconds");

    private final String configKey;

    ThrottledQuota(String configKey) {
        this.configKey = configKey;
    }

    /** The key under {@code throttling} in the configuration, named in the refusal message. */
    public String configKey() {
        return configKey;
    }

    public String tag() {
        return name().toLowerCase(Locale.ROOT);
    }
}
