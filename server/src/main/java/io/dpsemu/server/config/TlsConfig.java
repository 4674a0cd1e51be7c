package io.dpsemu.server.config;

import java.util.List;

/**
 * TLS material. Without {@code certFile}/{@code keyFile} dpsemu creates a local CA and a server
 * certificate under {@code <dataDir>/tls}; {@code extraNames} are added to its SANs.
 */
public record TlsConfig(String certFile, String keyFile, List<String> extraNames) {

    static TlsConfig defaults() {
        return new TlsConfig(null, null, List.of());
    }

    public boolean userSupplied() {
        return certFile != null || keyFile != null;
    }
}
