package io.dpsemu.server.issuance;

import io.dpsemu.server.config.CredentialPolicyConfig;
import io.dpsemu.server.config.IssuanceConfig;
import io.dpsemu.server.tls.CertificateIssuer;
import io.dpsemu.server.tls.KeyMaterial;
import io.dpsemu.server.tls.KeyType;
import io.dpsemu.server.tls.Pem;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** CAs made with the server's own {@link CertificateIssuer}, and the PEM files a plant would configure. */
public final class TestIssuers {

    private TestIssuers() {
    }

    /** A CA certificate and its key pair. */
    record Ca(KeyPair keys, X509Certificate certificate) {
    }

    static Ca root(String commonName) {
        return root(commonName, KeyType.EC, Duration.ofDays(3650));
    }

    static Ca root(String commonName, KeyType type, Duration validity) {
        KeyPair keys = CertificateIssuer.newKeyPair(type);
        Instant now = Instant.now();
        return new Ca(keys, CertificateIssuer.rootCa(keys, commonName, now.minus(Duration.ofDays(1)),
                now.plus(validity)));
    }

    static Ca intermediate(String commonName, Ca issuer, int pathLength, Duration validity) {
        KeyPair keys = CertificateIssuer.newKeyPair(KeyType.EC);
        Instant now = Instant.now();
        return new Ca(keys, CertificateIssuer.intermediateCa(keys.getPublic(), commonName, pathLength,
                issuer.certificate(), issuer.keys().getPrivate(), now.minus(Duration.ofDays(1)), now.plus(validity)));
    }

    static Ca intermediate(String commonName, Ca issuer) {
        return intermediate(commonName, issuer, 0, Duration.ofDays(1000));
    }

    /** The local CA as the server hands it to the policies. */
    static KeyMaterial material(Ca ca) {
        return new KeyMaterial(ca.keys().getPrivate(), List.of(ca.certificate()));
    }

    /** The chain file (the certificates in the order given) and the key file (mode 600) of a plant policy. */
    static CredentialPolicyConfig plantFiles(Path dir, String name, Ca issuing, Ca... issuers) {
        List<X509Certificate> chain = new ArrayList<>();
        chain.add(issuing.certificate());
        for (Ca issuer : issuers) {
            chain.add(issuer.certificate());
        }
        Path certificate = dir.resolve(name + ".pem");
        Path key = dir.resolve(name + "-key.pem");
        Pem.writeCertificates(certificate, chain);
        Pem.writePrivateKey(key, issuing.keys().getPrivate());
        return CredentialPolicyConfig.of(name, certificate.toString(), key.toString());
    }

    /** The policies of a server with the default issuance settings: only {@code local}, on a fresh test CA. */
    public static CredentialPolicies localOnly() {
        return onTestCa(IssuanceConfig.defaults());
    }

    /** The policies of {@code config}, with a fresh test CA as the local CA. */
    public static CredentialPolicies onTestCa(IssuanceConfig config) {
        return CredentialPolicies.load(config, material(root("dpsemu test local CA")));
    }

    static IssuanceConfig config(CredentialPolicyConfig... policies) {
        IssuanceConfig defaults = IssuanceConfig.defaults();
        return new IssuanceConfig(defaults.defaultPolicy(), defaults.maxChainLength(), defaults.supersededKept(),
                defaults.maxCsrBytes(), List.of(policies));
    }
}
