package io.dpsemu.server.cli.cert;

import io.dpsemu.server.tls.CertificateIssuer;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code dpsemu cert ca}: a self-signed root CA. */
@Command(name = "ca", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Make a self-signed root CA certificate and its private key. Give the certificate to an"
                + " enrollment group or sign intermediates with it; keep the key private.")
final class CaCommand extends IssueCommand {

    @Option(names = "--cn", order = 1, paramLabel = "NAME", defaultValue = "dpsemu test root CA",
            description = "subject common name (default: ${DEFAULT-VALUE})")
    String commonName;

    @Option(names = "--days", order = 11, paramLabel = "DAYS", defaultValue = "3650",
            description = "validity in days (default: ${DEFAULT-VALUE})")
    int days;

    @Option(names = "--out-cert", order = 13, paramLabel = "FILE", defaultValue = "ca.pem",
            description = "certificate file (default: ${DEFAULT-VALUE})")
    Path outCert;

    @Option(names = "--out-key", order = 14, paramLabel = "FILE", defaultValue = "ca-key.pem",
            description = "private key file, PKCS#8, mode 600 (default: ${DEFAULT-VALUE})")
    Path outKey;

    @Override
    int days() {
        return days;
    }

    @Override
    void issue(Instant now, PrintWriter out, PrintWriter err) {
        String name = checkCaName(commonName);
        Validity validity = validity(now);
        Path certificateFile = resolve(outCert);
        Path keyFile = resolve(outKey);
        checkOutputs(certificateFile, keyFile, Map.of());

        KeyPair keys = CertificateIssuer.newKeyPair(keyType);
        X509Certificate certificate = CertificateIssuer.rootCa(keys, name, validity.notBefore(), validity.notAfter());
        write(certificateFile, List.of(certificate), keyFile, keys.getPrivate());

        Certificates.reportCertificateFile(out, "root CA certificate", certificateFile, List.of(certificate), now);
        Certificates.reportKeyFile(out, keyFile, keys.getPublic());
    }
}
