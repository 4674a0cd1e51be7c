package io.dpsemu.server.config;

/**
 * How the provisioning engine answers devices. The defaults are the {@link Builder}'s initial values.
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
 * @param pollWaitMillis             a poll of an operation still assigning waits this long for its
 *                                   result before it is answered {@code 202}; 0 answers at once
 */
public record ProvisioningConfig(
        int retryAfterSeconds,
        int minResponseDelayMillis,
        int sasClockSkewSeconds,
        boolean detailedErrors,
        boolean strictCleanSession,
        int maxAuthFailuresPerConnection,
        int operationRetentionSeconds,
        int abandonedOperationSeconds,
        int pollWaitMillis) {

    public static ProvisioningConfig defaults() {
        return builder().build();
    }

    /** A builder holding the defaults; set what differs. */
    public static Builder builder() {
        return new Builder();
    }

    /** Named defaults, so a test or a caller changes one setting without repeating the others. */
    public static final class Builder {
        private int retryAfterSeconds = 3;
        private int minResponseDelayMillis = 50;
        private int sasClockSkewSeconds = 300;
        private boolean detailedErrors = true;
        private boolean strictCleanSession;
        private int maxAuthFailuresPerConnection = 3;
        private int operationRetentionSeconds = 600;
        private int abandonedOperationSeconds = 10;
        private int pollWaitMillis = 1_000;

        private Builder() {
        }

        public Builder retryAfterSeconds(int value) {
            retryAfterSeconds = value;
            return this;
        }

        public Builder minResponseDelayMillis(int value) {
            minResponseDelayMillis = value;
            return this;
        }

        public Builder sasClockSkewSeconds(int value) {
            sasClockSkewSeconds = value;
            return this;
        }

        public Builder detailedErrors(boolean value) {
            detailedErrors = value;
            return this;
        }

        public Builder strictCleanSession(boolean value) {
            strictCleanSession = value;
            return this;
        }

        public Builder maxAuthFailuresPerConnection(int value) {
            maxAuthFailuresPerConnection = value;
            return this;
        }

        public Builder operationRetentionSeconds(int value) {
            operationRetentionSeconds = value;
            return this;
        }

        public Builder abandonedOperationSeconds(int value) {
            abandonedOperationSeconds = value;
            return this;
        }

        public Builder pollWaitMillis(int value) {
            pollWaitMillis = value;
            return this;
        }

        public ProvisioningConfig build() {
            return new ProvisioningConfig(retryAfterSeconds, minResponseDelayMillis, sasClockSkewSeconds,
                    detailedErrors, strictCleanSession, maxAuthFailuresPerConnection, operationRetentionSeconds,
                    abandonedOperationSeconds, pollWaitMillis);
        }
    }
}
