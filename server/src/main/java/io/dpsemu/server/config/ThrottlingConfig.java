package io.dpsemu.server.config;

/**
 * Quotas modelled on DPS's (docs/protocol-notes.md#quotas: 1,000 registrations and 1,000 operations per minute
 * per unit, 5 status polls per 10 s per device), off by default: 0 means unlimited. Counted per node.
 *
 * @param registrationsPerMinute     register requests
 * @param operationsPerMinute        register requests and service API calls, DPS's billable operations
 * @param pollsPerDevicePer10Seconds operation status polls of one registration id
 */
public record ThrottlingConfig(int registrationsPerMinute, int operationsPerMinute, int pollsPerDevicePer10Seconds) {

    public static final int UNLIMITED = 0;

    static ThrottlingConfig defaults() {
        return new ThrottlingConfig(UNLIMITED, UNLIMITED, UNLIMITED);
    }
}
