package io.dpsemu.server.cli.manage;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options only enrollment groups have: X.509 signing (CA) certificates, or references to CA certificates. */
final class GroupOptions extends AttestationOptions {

    @Option(names = "--x509-signing-cert", paramLabel = "FILE", order = 12,
            description = "X.509 attestation: the root or intermediate CA certificate that signs the devices', PEM")
    Path signingCertificate;

    @Option(names = "--secondary-x509-signing-cert", paramLabel = "FILE", order = 13,
            description = "a second signing certificate, PEM")
    Path secondarySigningCertificate;

    @Option(names = "--ca-reference", paramLabel = "NAME", order = 14,
            description = "X.509 attestation by the name of a CA certificate registered with the service")
    String caReference;

    @Option(names = "--secondary-ca-reference", paramLabel = "NAME", order = 15,
            description = "a second CA certificate name")
    String secondaryCaReference;

    private boolean signingGiven() {
        return signingCertificate != null || secondarySigningCertificate != null;
    }

    private boolean referenceGiven() {
        return caReference != null || secondaryCaReference != null;
    }

    @Override
    boolean attestationGiven() {
        return symmetricGiven() || signingGiven() || referenceGiven();
    }

    @Override
    void check() {
        super.check();
        exclusive("--key", symmetricGiven(), "--x509-signing-cert", signingGiven());
        exclusive("--key", symmetricGiven(), "--ca-reference", referenceGiven());
        exclusive("--x509-signing-cert", signingGiven(), "--ca-reference", referenceGiven());
    }

    @Override
    ObjectNode attestation(ObjectNode current) {
        check();
        if (symmetricGiven()) {
            return symmetricKey(current);
        }
        if (signingGiven()) {
            boolean keep = isType(current, "x509") && current.path("x509").path("signingCertificates").isObject();
            if (!keep && signingCertificate == null) {
                throw new BadInputException("--secondary-x509-signing-cert", "needs --x509-signing-cert: the group"
                        + " has no primary signing certificate");
            }
            ObjectNode attestation = keep ? current.deepCopy() : fresh("x509");
            ObjectNode x509 = child(attestation, "x509");
            x509.remove("caReferences");
            ObjectNode certificates = child(x509, "signingCertificates");
            if (signingCertificate != null) {
                certificates.set("primary", certificate(InputFiles.firstCertificate(signingCertificate,
                        "--x509-signing-cert")));
            }
            if (secondarySigningCertificate != null) {
                certificates.set("secondary", certificate(InputFiles.firstCertificate(secondarySigningCertificate,
                        "--secondary-x509-signing-cert")));
            }
            return attestation;
        }
        if (referenceGiven()) {
            boolean keep = isType(current, "x509") && current.path("x509").path("caReferences").isObject();
            if (!keep && caReference == null) {
                throw new BadInputException("--secondary-ca-reference", "needs --ca-reference: the group has no"
                        + " primary CA reference");
            }
            ObjectNode attestation = keep ? current.deepCopy() : fresh("x509");
            ObjectNode x509 = child(attestation, "x509");
            x509.remove("signingCertificates");
            ObjectNode references = child(x509, "caReferences");
            if (caReference != null) {
                references.put("primary", caReference);
            }
            if (secondaryCaReference != null) {
                references.put("secondary", secondaryCaReference);
            }
            return attestation;
        }
        return unchangedOrDefault(current);
    }
}
