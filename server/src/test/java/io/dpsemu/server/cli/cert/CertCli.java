package io.dpsemu.server.cli.cert;

import static org.assertj.core.api.Assertions.assertThat;

import io.dpsemu.server.cli.DpsemuCommand;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXCertPathValidatorResult;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import picocli.CommandLine;

/**
 * Runs {@code dpsemu} in-process with output captured and relative paths resolved in a test directory, and
 * reads what it wrote with the JDK alone (not with the code under test).
 */
final class CertCli {

    private CertCli() {
    }

    record Result(int exitCode, String out, String err) {

        Result assertSucceeded() {
            assertThat(exitCode).as("exit code; stderr: %s", err).isZero();
            return this;
        }

        /** Exit 2, the message names the option, and no stack trace. */
        Result assertBadInput(String option) {
            assertThat(exitCode).as("exit code; stdout: %s", out).isEqualTo(2);
            assertThat(err).contains(option).doesNotContain("Exception").doesNotContain("\tat ");
            return this;
        }
    }

    static Result run(Path workingDirectory, String... args) {
        CommandLine commandLine = new CommandLine(new DpsemuCommand());
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        CertCommand cert = commandLine.getSubcommands().get("cert").getCommand();
        cert.workingDirectory(workingDirectory);
        int exitCode = commandLine.execute(args);
        return new Result(exitCode, out.toString(), err.toString());
    }

    static List<X509Certificate> certificates(Path file) {
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            return factory.generateCertificates(new ByteArrayInputStream(Files.readAllBytes(file))).stream()
                    .map(X509Certificate.class::cast)
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static X509Certificate certificate(Path file) {
        List<X509Certificate> certificates = certificates(file);
        assertThat(certificates).as(file.toString()).hasSize(1);
        return certificates.get(0);
    }

    /** An unencrypted PKCS#8 key ("BEGIN PRIVATE KEY"); anything else fails the test. */
    static PrivateKey pkcs8Key(Path file, String algorithm) {
        try {
            List<String> lines = Files.readAllLines(file);
            assertThat(lines.get(0)).isEqualTo("-----BEGIN PRIVATE KEY-----");
            assertThat(lines.get(lines.size() - 1)).isEqualTo("-----END PRIVATE KEY-----");
            byte[] der = Base64.getMimeDecoder().decode(String.join("", lines.subList(1, lines.size() - 1)));
            return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static boolean keyBelongsTo(PrivateKey key, X509Certificate certificate) throws GeneralSecurityException {
        String algorithm = key.getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
        byte[] probe = {1, 2, 3};
        Signature signer = Signature.getInstance(algorithm);
        signer.initSign(key);
        signer.update(probe);
        byte[] signature = signer.sign();
        Signature verifier = Signature.getInstance(algorithm);
        verifier.initVerify(certificate.getPublicKey());
        verifier.update(probe);
        return verifier.verify(signature);
    }

    static String permissions(Path file) {
        try {
            return PosixFilePermissions.toString(Files.getPosixFilePermissions(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static boolean posix(Path directory) {
        return directory.getFileSystem().supportedFileAttributeViews().contains("posix");
    }

    /** The JDK's PKIX validation of {@code path} (leaf first) up to {@code anchor}, revocation off. */
    static PKIXCertPathValidatorResult validate(List<X509Certificate> path, X509Certificate anchor)
            throws GeneralSecurityException {
        CertPath certPath = CertificateFactory.getInstance("X.509").generateCertPath(path);
        PKIXParameters parameters = new PKIXParameters(Set.of(new TrustAnchor(anchor, null)));
        parameters.setRevocationEnabled(false);
        return (PKIXCertPathValidatorResult) CertPathValidator.getInstance("PKIX").validate(certPath, parameters);
    }
}
