package io.dpsemu.loadgen.stats;

/**
 * What was run against what, repeated in the summary so a JSON file stands on its own.
 *
 * @param rate the cap of flows started per second, or null for none
 */
public record RunDescription(String transport, String host, int port, String idScope, String attestation,
        int concurrency, Double rate, String poll, boolean tlsResumption, String tlsVersion, int threads) {
}
