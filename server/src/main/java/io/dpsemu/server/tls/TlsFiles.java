package io.dpsemu.server.tls;

import java.nio.file.Path;

/**
 * The PEM files a TLS endpoint serves.
 *
 * @param certificateChain the server certificate followed by its issuers
 * @param privateKey the server certificate's private key
 * @param caCertificate the root devices should trust; {@code null} for user-supplied material
 */
public record TlsFiles(Path certificateChain, Path privateKey, Path caCertificate) {
}
