package io.dpsemu.server.cli.cert;

import io.dpsemu.protocol.auth.RegistrationIds;
import io.dpsemu.server.tls.CertificateIssuer;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code dpsemu cert device}: a device (TLS client) certificate whose CN is the registration id. */
@Command(name = "device", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Make a device certificate for X.509 attestation, signed by --ca/--ca-key (a root or an"
                + " intermediate), and its private key. The subject CN is the registration id.",
        footer = {"",
            "The certificate file holds the device certificate followed by its intermediates, as devices present"
                + " them in TLS: the --ca certificate unless it is self-signed (a root), any further certificates"
                + " in the --ca file, then the certificates of each --chain file in order. Roots (self-signed"
                + " certificates) are never included, the server holds them; duplicates are dropped."})
final class DeviceCommand extends IssueCommand {

    /** DPS limit for the registration id of an X.509 device (the CN). */
    static final int MAX_REGISTRATION_ID = 64;

    @Option(names = "--cn", order = 1, paramLabel = "REGISTRATION_ID", required = true,
            description = "registration id: at most 64 characters of A-Z a-z 0-9 - . _ :")
    String registrationId;

    @Mixin
    IssuingCaOptions issuingCa;

    @Option(names = "--chain", order = 4, paramLabel = "FILE", arity = "1..*",
            description = "further issuer certificates to append after the issuing CA, in order (repeatable)")
    List<Path> chain = new ArrayList<>();

    @Option(names = "--days", order = 11, paramLabel = "DAYS", defaultValue = "365",
            description = "validity in days (default: ${DEFAULT-VALUE})")
    int days;

    @Option(names = "--out-cert", order = 13, paramLabel = "FILE",
            description = "certificate chain file (default: <cn>.pem)")
    Path outCert;

    @Option(names = "--out-key", order = 14, paramLabel = "FILE",
            description = "private key file, PKCS#8, mode 600 (default: <cn>-key.pem)")
    Path outKey;

    @Override
    int days() {
        return days;
    }

    @Override
    void issue(Instant now, PrintWriter out, PrintWriter err) {
        checkRegistrationId(registrationId);
        Issuer issuer = loadIssuer(issuingCa);
        Map<String, Path> inputs = new LinkedHashMap<>();
        inputs.put("--ca", issuer.file());
        inputs.put("--ca-key", issuer.keyFile());
        List<X509Certificate> intermediates = intermediates(issuer, inputs, err);
        Path certificateFile = resolve(outCert != null ? outCert : Path.of(registrationId + ".pem"));
        Path keyFile = resolve(outKey != null ? outKey : Path.of(registrationId + "-key.pem"));
        checkOutputs(certificateFile, keyFile, inputs);
        Validity validity = validityUnder(now, issuer.certificate(), err);

        KeyPair keys = CertificateIssuer.newKeyPair(keyType);
        X509Certificate device = CertificateIssuer.deviceCertificate(keys.getPublic(), registrationId,
                issuer.certificate(), issuer.key(), validity.notBefore(), validity.notAfter());
        List<X509Certificate> file = new ArrayList<>();
        file.add(device);
        file.addAll(intermediates);
        warnIfNotLinked(err, file);
        write(certificateFile, file, keyFile, keys.getPrivate());

        Certificates.reportCertificateFile(out, "device certificate", certificateFile, file, now);
        Certificates.reportKeyFile(out, keyFile, keys.getPublic());
    }

    static void checkRegistrationId(String id) {
        if (id.length() > MAX_REGISTRATION_ID) {
            throw new CertInputException("--cn", "the registration id is " + id.length()
                    + " characters long; the maximum for X.509 attestation is " + MAX_REGISTRATION_ID);
        }
        Optional<String> problem = RegistrationIds.problem(id);
        if (problem.isPresent()) {
            throw new CertInputException("--cn", problem.get());
        }
    }

    /** The issuing CA unless it is a root, the rest of the --ca file, then each --chain file: no roots, no repeats. */
    private List<X509Certificate> intermediates(Issuer issuer, Map<String, Path> inputs, PrintWriter err) {
        List<X509Certificate> intermediates = new ArrayList<>();
        if (!Certificates.isSelfSigned(issuer.certificate())) {
            intermediates.add(issuer.certificate());
        }
        for (X509Certificate certificate : issuer.certificates().subList(1, issuer.certificates().size())) {
            add(intermediates, certificate, issuer.file(), err);
        }
        for (Path option : chain) {
            Path file = resolve(option);
            inputs.putIfAbsent("--chain " + option, file);
            for (X509Certificate certificate : readCertificates("--chain", file)) {
                add(intermediates, certificate, file, err);
            }
        }
        return intermediates;
    }

    private static void add(List<X509Certificate> intermediates, X509Certificate certificate, Path file,
            PrintWriter err) {
        if (intermediates.contains(certificate)) {
            return;
        }
        if (Certificates.isSelfSigned(certificate)) {
            err.println("note: left out the root " + Certificates.subject(certificate) + " from " + file
                    + ": device chains never include the root");
            return;
        }
        intermediates.add(certificate);
    }

    /** Each certificate should be issued by the next: anything else is allowed (test benches want it) but noted. */
    private static void warnIfNotLinked(PrintWriter err, List<X509Certificate> file) {
        for (int i = 1; i < file.size(); i++) {
            if (!Certificates.isSignedBy(file.get(i - 1), file.get(i))) {
                err.println("warning: " + Certificates.subject(file.get(i)) + " (certificate " + (i + 1)
                        + " in the file) did not issue " + Certificates.subject(file.get(i - 1))
                        + ", the certificate before it: the chain is out of order or has a gap");
            }
        }
    }
}
