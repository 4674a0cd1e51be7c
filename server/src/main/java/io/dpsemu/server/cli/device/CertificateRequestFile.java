package io.dpsemu.server.cli.device;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.util.Base64;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCSException;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;

/**
 * The {@code --csr} file of {@code dpsemu device register}: a PKCS#10 request as {@code openssl req} writes it,
 * PEM ({@code -----BEGIN CERTIFICATE REQUEST-----}) or DER. Only its form and signature are checked here; whether
 * the server accepts its subject and key is the server's verdict, which the user wants to see.
 *
 * @param commonName the subject's CN, or null when it has none
 */
record CertificateRequestFile(Path file, byte[] der, String commonName, PublicKey publicKey) {

    /** @throws IllegalArgumentException naming the file and what is wrong with it */
    static CertificateRequestFile read(Path file) {
        byte[] content;
        try {
            content = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw invalid(file, "no such file");
        } catch (IOException e) {
            throw invalid(file, "cannot be read (" + e.getMessage() + ")");
        }
        PKCS10CertificationRequest request = isPem(content) ? fromPem(file, content) : fromDer(file, content);
        try {
            JcaPKCS10CertificationRequest jca = new JcaPKCS10CertificationRequest(request);
            PublicKey key = jca.getPublicKey();
            if (!request.isSignatureValid(new JcaContentVerifierProviderBuilder().build(key))) {
                throw invalid(file, "the request's signature does not verify with its own public key");
            }
            return new CertificateRequestFile(file, request.getEncoded(), commonName(request), key);
        } catch (GeneralSecurityException | OperatorCreationException | PKCSException | IOException e) {
            throw invalid(file, "unusable certificate signing request (" + e.getMessage() + ")");
        }
    }

    /** The wire form of {@code csr}: base64 of the DER, no PEM armour. */
    String base64() {
        return Base64.getEncoder().encodeToString(der);
    }

    private static boolean isPem(byte[] content) {
        return new String(content, StandardCharsets.ISO_8859_1).stripLeading().startsWith("-----BEGIN");
    }

    private static PKCS10CertificationRequest fromPem(Path file, byte[] content) {
        try (PEMParser parser = new PEMParser(new StringReader(new String(content, StandardCharsets.ISO_8859_1)))) {
            for (Object object = parser.readObject(); object != null; object = parser.readObject()) {
                if (object instanceof PKCS10CertificationRequest request) {
                    return request;
                }
            }
        } catch (IOException | RuntimeException e) {
            throw invalid(file, "not a valid PEM file (" + e.getMessage() + ")");
        }
        throw invalid(file, "holds no PEM block '-----BEGIN CERTIFICATE REQUEST-----'");
    }

    private static PKCS10CertificationRequest fromDer(Path file, byte[] content) {
        try {
            return new PKCS10CertificationRequest(content);
        } catch (IOException | RuntimeException e) {
            throw invalid(file, "neither a PEM 'CERTIFICATE REQUEST' nor a DER PKCS#10 request (" + e.getMessage()
                    + ")");
        }
    }

    private static String commonName(PKCS10CertificationRequest request) {
        RDN[] names = request.getSubject().getRDNs(BCStyle.CN);
        return names.length == 0 ? null : IETFUtils.valueToString(names[0].getFirst().getValue());
    }

    private static IllegalArgumentException invalid(Path file, String problem) {
        return new IllegalArgumentException("--csr " + file + ": " + problem);
    }
}
