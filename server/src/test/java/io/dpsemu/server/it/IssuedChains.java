package io.dpsemu.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dpsemu.server.tls.CertificateIssuer;
import io.dpsemu.server.tls.KeyType;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/**
 * The device's side of certificate issuance in tests: CSRs as the SDK samples build them (an EC P-256 key,
 * CN = the registration id, no extensions), and the issued chain read and checked with the JDK alone
 * (base64 DER decoding, PKIX validation), not with the code under test.
 */
public final class IssuedChains {

    private IssuedChains() {
    }

    public static KeyPair newKey() {
        return CertificateIssuer.newKeyPair(KeyType.EC);
    }

    /** A PKCS#10 request for {@code commonName}, signed with the key, DER encoded. */
    public static byte[] csr(String commonName, KeyPair keys) {
        try {
            return new JcaPKCS10CertificationRequestBuilder(new X500Principal("CN=" + commonName), keys.getPublic())
                    .build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())).getEncoded();
        } catch (OperatorCreationException | IOException e) {
            throw new IllegalStateException("cannot build a CSR for " + commonName, e);
        }
    }

    /** The wire form of {@code csr}: base64 DER without PEM armour. */
    public static String csrBase64(String commonName, KeyPair keys) {
        return Base64.getEncoder().encodeToString(csr(commonName, keys));
    }

    /** {@code registrationState.issuedCertificateChain}, decoded in order. */
    public static List<X509Certificate> decode(JsonNode chain) {
        assertThat(chain.isArray()).as("issuedCertificateChain is an array: %s", chain).isTrue();
        List<X509Certificate> certificates = new ArrayList<>();
        try {
            CertificateFactory x509 = CertificateFactory.getInstance("X.509");
            for (JsonNode element : chain) {
                certificates.add((X509Certificate) x509.generateCertificate(
                        new ByteArrayInputStream(Base64.getDecoder().decode(element.textValue()))));
            }
        } catch (GeneralSecurityException e) {
            throw new AssertionError("issuedCertificateChain holds a broken certificate: " + chain, e);
        }
        return certificates;
    }

    /** The first certificate of a PEM file. */
    public static X509Certificate readCertificate(Path pem) {
        return readCertificates(pem).get(0);
    }

    public static List<X509Certificate> readCertificates(Path pem) {
        try (InputStream in = Files.newInputStream(pem)) {
            return CertificateFactory.getInstance("X.509").generateCertificates(in).stream()
                    .map(X509Certificate.class::cast).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new AssertionError(pem + " holds a broken certificate", e);
        }
    }

    /**
     * The chain ends with {@code root}, and the JDK's PKIX validator accepts the rest of it (leaf first) up to
     * {@code root} as trust anchor, revocation off.
     */
    public static void assertValidUpTo(List<X509Certificate> chain, X509Certificate root) {
        assertThat(chain).as("chain").hasSizeGreaterThanOrEqualTo(2).last().isEqualTo(root);
        try {
            CertPath path = CertificateFactory.getInstance("X.509").generateCertPath(chain.subList(0,
                    chain.size() - 1));
            PKIXParameters parameters = new PKIXParameters(Set.of(new TrustAnchor(root, null)));
            parameters.setRevocationEnabled(false);
            CertPathValidator.getInstance("PKIX").validate(path, parameters);
        } catch (GeneralSecurityException e) {
            throw new AssertionError("the issued chain does not validate up to "
                    + root.getSubjectX500Principal() + ": " + e.getMessage(), e);
        }
    }

    /** Key managers presenting this chain (leaf first) with the leaf's private key, as a device with it does. */
    public static KeyManager[] presenting(List<X509Certificate> chain, PrivateKey key) {
        try {
            char[] password = "device".toCharArray();
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("device", key, password, chain.toArray(X509Certificate[]::new));
            KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            factory.init(store, password);
            return factory.getKeyManagers();
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot present the issued certificate", e);
        }
    }
}
