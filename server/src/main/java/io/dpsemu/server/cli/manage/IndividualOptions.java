package io.dpsemu.server.cli.manage;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dpsemu.protocol.auth.RegistrationIds;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options only individual enrollments have: a device id, and X.509 client (device) certificates. */
final class IndividualOptions extends AttestationOptions {

    @Option(names = "--x509-cert", paramLabel = "FILE", order = 12,
            description = "X.509 attestation: the device certificate, PEM (the first certificate of the file)")
    Path x509Certificate;

    @Option(names = "--secondary-x509-cert", paramLabel = "FILE", order = 13,
            description = "a second device certificate, PEM")
    Path secondaryX509Certificate;

    @Option(names = "--device-id", paramLabel = "ID", order = 20,
            description = "the device id in the hub (default: the registration id)")
    String deviceId;

    @Override
    boolean attestationGiven() {
        return symmetricGiven() || x509Given();
    }

    @Override
    boolean anyField() {
        return attestationGiven() || deviceId != null;
    }

    private boolean x509Given() {
        return x509Certificate != null || secondaryX509Certificate != null;
    }

    @Override
    void check() {
        super.check();
        exclusive("--key", primaryKey != null, "--x509-cert", x509Given());
        exclusive("--secondary-key", secondaryKey != null, "--x509-cert", x509Given());
        if (deviceId != null) {
            RegistrationIds.problem(deviceId).ifPresent(problem -> {
                throw new BadInputException("--device-id", problem);
            });
        }
    }

    @Override
    ObjectNode attestation(ObjectNode current) {
        check();
        if (symmetricGiven()) {
            return symmetricKey(current);
        }
        if (!x509Given()) {
            return unchangedOrDefault(current);
        }
        boolean keep = isType(current, "x509") && current.path("x509").path("clientCertificates").isObject();
        if (!keep && x509Certificate == null) {
            throw new BadInputException("--secondary-x509-cert", "needs --x509-cert: the enrollment has no X.509"
                    + " primary certificate");
        }
        ObjectNode attestation = keep ? current.deepCopy() : fresh("x509");
        ObjectNode certificates = child(child(attestation, "x509"), "clientCertificates");
        if (x509Certificate != null) {
            certificates.set("primary", certificate(InputFiles.firstCertificate(x509Certificate, "--x509-cert")));
        }
        if (secondaryX509Certificate != null) {
            certificates.set("secondary", certificate(InputFiles.firstCertificate(secondaryX509Certificate,
                    "--secondary-x509-cert")));
        }
        return attestation;
    }

    @Override
    void applyFields(ObjectNode document) {
        if (deviceId != null) {
            document.put("deviceId", deviceId);
        }
    }
}
