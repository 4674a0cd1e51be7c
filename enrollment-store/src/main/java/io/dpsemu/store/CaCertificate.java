package io.dpsemu.store;

import java.time.Instant;

/**
 * A CA certificate registered with the server by name, which X.509 enrollment groups reference
 * through {@code x509.caReferences} (like DPS's verified CA certificates). {@code certificate} is
 * PEM text: the store keeps it as given and does not parse it; the server validates it. The store
 * owns {@code etag} and the timestamps, as for enrollments.
 */
public record CaCertificate(
        String name,
        String certificate,
        Instant createdDateTimeUtc,
        Instant lastUpdatedDateTimeUtc,
        String etag) {

    /** How many CA certificates a store holds at most, as DPS allows per service. */
    public static final int MAX_COUNT = 25;

    /** A certificate to write: the store fills in the etag and timestamps. */
    public static CaCertificate of(String name, String certificate) {
        return new CaCertificate(name, certificate, null, null, null);
    }

    /** The certificate as the store keeps it: server-owned fields replaced. */
    public CaCertificate withStoreFields(String newEtag, Instant created, Instant lastUpdated) {
        return new CaCertificate(name, certificate, created, lastUpdated, newEtag);
    }
}
