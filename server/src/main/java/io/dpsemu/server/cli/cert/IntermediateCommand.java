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
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code dpsemu cert intermediate}: a CA certificate signed by a root or another intermediate. */
@Command(name = "intermediate", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Make an intermediate CA certificate signed by --ca/--ca-key (a root or an intermediate),"
                + " and its private key.",
        footer = {"",
            "The certificate file holds only the new certificate, even when --ca is itself an intermediate."
                + " Device certificate files carry the intermediates: 'dpsemu cert device' appends the issuing CA"
                + " and, for deeper chains, each --chain file (such as the intermediate that signed this one)."})
final class IntermediateCommand extends IssueCommand {

    @Mixin
    IssuingCaOptions issuingCa;

    @Option(names = "--cn", order = 1, paramLabel = "NAME", defaultValue = "dpsemu test intermediate CA",
            description = "subject common name (default: ${DEFAULT-VALUE})")
    String commonName;

    @Option(names = "--path-length", order = 4, paramLabel = "N", defaultValue = "0",
            description = "how many further intermediates may follow below this one (default: 0, it signs only"
                    + " device certificates)")
    int pathLength;

    @Option(names = "--days", order = 11, paramLabel = "DAYS", defaultValue = "1825",
            description = "validity in days (default: ${DEFAULT-VALUE})")
    int days;

    @Option(names = "--out-cert", order = 13, paramLabel = "FILE", defaultValue = "intermediate.pem",
            description = "certificate file (default: ${DEFAULT-VALUE})")
    Path outCert;

    @Option(names = "--out-key", order = 14, paramLabel = "FILE", defaultValue = "intermediate-key.pem",
            description = "private key file, PKCS#8, mode 600 (default: ${DEFAULT-VALUE})")
    Path outKey;

    @Override
    int days() {
        return days;
    }

    @Override
    void issue(Instant now, PrintWriter out, PrintWriter err) {
        String name = checkCaName(commonName);
        if (pathLength < 0) {
            throw new CertInputException("--path-length", "must not be negative, got " + pathLength);
        }
        Issuer issuer = loadIssuer(issuingCa);
        Path certificateFile = resolve(outCert);
        Path keyFile = resolve(outKey);
        checkOutputs(certificateFile, keyFile, Map.of("--ca", issuer.file(), "--ca-key", issuer.keyFile()));
        int issuerPathLength = issuer.certificate().getBasicConstraints();
        if (issuerPathLength == 0) {
            throw new CertInputException("--ca", issuer.file() + ": " + Certificates.subject(issuer.certificate())
                    + " has path length 0: it may sign device certificates but no further CA");
        }
        if (issuerPathLength != Integer.MAX_VALUE && pathLength > issuerPathLength - 1) {
            err.println("warning: the issuer's path length " + issuerPathLength + " allows at most "
                    + (issuerPathLength - 1) + " further intermediates below the new one; validators enforce the"
                    + " smaller limit, not --path-length " + pathLength);
        }
        Validity validity = validityUnder(now, issuer.certificate(), err);

        KeyPair keys = CertificateIssuer.newKeyPair(keyType);
        X509Certificate certificate = CertificateIssuer.intermediateCa(keys.getPublic(), name, pathLength,
                issuer.certificate(), issuer.key(), validity.notBefore(), validity.notAfter());
        write(certificateFile, List.of(certificate), keyFile, keys.getPrivate());

        Certificates.reportCertificateFile(out, "intermediate CA certificate", certificateFile, List.of(certificate),
                now);
        out.printf("  %-12s %s%n", "path length:", pathLength);
        Certificates.reportKeyFile(out, keyFile, keys.getPublic());
        if (!Certificates.isSelfSigned(issuer.certificate())) {
            out.println("Note: " + certificateFile.getFileName()
                    + " holds only the new certificate; devices signed by it"
                    + " also need --chain " + issuer.file() + " so that their chain reaches the root.");
        }
    }
}
