package io.dpsemu.server.cli.manage;

import io.dpsemu.protocol.auth.SasTokens;
import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;

/**
 * Where the service API is and how to sign for it.
 *
 * @param host       the host to connect to, and whose name the server certificate must carry
 * @param port       the HTTPS port
 * @param resource   the {@code sr} of SAS tokens: the service host name, lower-case, without a port
 * @param keyName    the shared access policy ({@code skn}), or null with {@code signature}
 * @param key        the policy's base64 key, or null with {@code signature}
 * @param signature  a ready {@code SharedAccessSignature ...} from the connection string, or null
 * @param ca         a PEM file of CA certificates to trust, or null for the JVM's trust store
 * @param source     where the credentials came from, for error messages
 */
record Connection(String host, int port, String resource, String keyName, String key, String signature, Path ca,
        String source) {

    /** The {@code Authorization} of a request: the ready signature, else a token signed with the key. */
    String authorization(Instant expiry) {
        return signature != null ? signature : SasTokens.create(resource, key, expiry, keyName);
    }

    URI baseUri() {
        String literal = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
        return URI.create("https://" + literal + ":" + port);
    }
}
