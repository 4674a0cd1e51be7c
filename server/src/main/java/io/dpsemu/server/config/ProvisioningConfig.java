package io.dpsemu.server.config;

/**
 * How the provisioning engine answers devices.
 *
 * @param retryAfterSeconds          retry-after advertised while an operation is assigning
 * @param minResponseDelayMillis     no response leaves sooner than this after its request (the Java
 *                                   SDK loses instant responses); 0 for benchmarks
 * @param sasClockSkewSeconds        how far past its {@code se} a SAS token is still accepted
 * @param detailedErrors             whether error messages tell the device why it was refused
 * @param strictCleanSession         refuse CONNECT with cleanSession 0, as the 2019 DPS docs demand
 * @param maxAuthFailuresPerConnection a connection is closed after this many refused registrations
 * @param operationRetentionSeconds  how long a finished operation can still be polled
 * @param abandonedOperationSeconds  on a shared store, an operation another node left assigning this
 *                                   long is answered {@code failed} (its node stopped), so the device
 *                                   registers again instead of polling forever
 */
public record ProvisioningConfig(
        int retryAfterSeconds,
        int minResponseDelayMillis,
        int sasClockSkewSeconds,
        boolean detailedErrors,
        boolean strictCleanSession,
        int maxAuthFailuresPerConnection,
        int operationRetentionSeconds,
        int abandonedOperationSeconds) {

    static ProvisioningConfig defaults() {
        return new ProvisioningConfig(3, 50, 300, true, false, 3, 600, 10);
    }
}
