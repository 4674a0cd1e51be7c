package io.dpsemu.loadgen.device;

import io.netty.pkitesting.CertificateBuilder;
import io.netty.pkitesting.X509Bundle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/** A throw-away CA in PEM files, as a user would pass with --x509-ca-cert and --x509-ca-key. */
public record TestCa(X509Bundle bundle, Path certificate, Path key) {

    public static TestCa write(Path dir) throws Exception {
        X509Bundle ca = new CertificateBuilder().subject("CN=loadgen test CA").ecp256().setIsCertificateAuthority(true)
                .setKeyUsage(true, CertificateBuilder.KeyUsage.keyCertSign)
                .notBefore(Instant.now().minus(Duration.ofHours(1))).notAfter(Instant.now().plus(Duration.ofDays(1)))
                .buildSelfSigned();
        return new TestCa(ca, Files.writeString(dir.resolve("ca.pem"), ca.getCertificatePEM()),
                Files.writeString(dir.resolve("ca-key.pem"), ca.getPrivateKeyPEM()));
    }
}
