package io.dpsemu.server.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * The one reader of certificates, from files (the TLS layer, {@code dpsemu cert}) or from text (enrollment
 * documents, seed files), and the reader and writer of PEM private keys. Reading failures are
 * {@link IllegalArgumentException}s; a file's start with the file name.
 */
public final class Pem {

    private static final Pattern CERTIFICATE_BLOCK = Pattern.compile(
            "-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\\s]+?)-----END CERTIFICATE-----");
    private static final Pattern BARE_BASE64 = Pattern.compile("[A-Za-z0-9+/=\\s]+");

    private Pem() {
    }

    /** All certificates in the file, in file order, read as {@link #parseCertificates} reads text. */
    public static List<X509Certificate> readCertificates(Path file) {
        String text = read(file);
        try {
            return parseCertificates(text);
        } catch (IllegalArgumentException e) {
            throw invalid(file, e.getMessage(), e);
        }
    }

    /**
     * Every certificate in the text, in order: its PEM certificate blocks (other blocks, such as a bundled
     * private key, are skipped), or else one bare base64 DER certificate, which some tools send.
     *
     * @throws IllegalArgumentException when there is no certificate or one is broken
     */
    public static List<X509Certificate> parseCertificates(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("no certificate: the text is empty");
        }
        List<String> bodies = new ArrayList<>();
        Matcher blocks = CERTIFICATE_BLOCK.matcher(text);
        while (blocks.find()) {
            bodies.add(blocks.group(1));
        }
        if (bodies.isEmpty()) {
            if (text.contains("-----BEGIN") || !BARE_BASE64.matcher(text).matches()) {
                throw new IllegalArgumentException(
                        "no certificate: expected a PEM block '-----BEGIN CERTIFICATE-----' or base64 DER");
            }
            bodies.add(text);
        }
        List<X509Certificate> certificates = new ArrayList<>();
        for (String body : bodies) {
            certificates.add(decode(body));
        }
        return certificates;
    }

    /** The first certificate of the text; see {@link #parseCertificates}. */
    public static X509Certificate parseCertificate(String text) {
        return parseCertificates(text).get(0);
    }

    /** The first private key in the file: PKCS#8, SEC1 (EC) or PKCS#1 (RSA); encrypted keys are refused. */
    public static PrivateKey readPrivateKey(Path file) {
        Object key = firstKeyObject(file);
        if (key == null) {
            throw invalid(file,
                    "contains no PEM private key (expected 'PRIVATE KEY', 'EC PRIVATE KEY' or 'RSA PRIVATE KEY')",
                    null);
        }
        if (key instanceof PKCS8EncryptedPrivateKeyInfo || key instanceof PEMEncryptedKeyPair) {
            throw invalid(file, "the private key is encrypted; supply an unencrypted key", null);
        }
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
        try {
            // SEC1 keys may omit the public key, so only the private part is converted.
            return converter.getPrivateKey(key instanceof PEMKeyPair pair ? pair.getPrivateKeyInfo()
                    : (PrivateKeyInfo) key);
        } catch (IOException | RuntimeException e) {
            throw invalid(file, "unusable private key (" + e.getMessage() + ")", e);
        }
    }

    private static Object firstKeyObject(Path file) {
        String text = read(file);
        try (PEMParser parser = new PEMParser(new StringReader(text))) {
            for (Object object = parser.readObject(); object != null; object = parser.readObject()) {
                if (object instanceof PrivateKeyInfo || object instanceof PEMKeyPair
                        || object instanceof PKCS8EncryptedPrivateKeyInfo || object instanceof PEMEncryptedKeyPair) {
                    return object;
                }
            }
            return null;
        } catch (IOException | RuntimeException e) {
            throw invalid(file, "not a valid PEM private key file (" + e.getMessage() + ")", e);
        }
    }

    /** Writes the certificates in order, replacing the file atomically; mode 644 on POSIX file systems. */
    public static void writeCertificates(Path file, List<X509Certificate> certificates) {
        writeAtomically(file, encode(certificates.toArray()), "rw-r--r--");
    }

    /** Writes an unencrypted PKCS#8 key, replacing the file atomically; mode 600 on POSIX file systems. */
    public static void writePrivateKey(Path file, PrivateKey key) {
        try {
            writeAtomically(file, encode(new JcaPKCS8Generator(key, null)), "rw-------");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode the private key for " + file, e);
        }
    }

    private static X509Certificate decode(String base64) {
        try {
            byte[] der = Base64.getMimeDecoder().decode(base64.replaceAll("\\s", ""));
            return (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(der));
        } catch (IllegalArgumentException | CertificateException e) {
            throw new IllegalArgumentException("not a valid certificate: " + e.getMessage(), e);
        }
    }

    private static String read(Path file) {
        try {
            // Decoded leniently: a binary file must fail as "no PEM content", not as a charset error.
            return new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
        } catch (NoSuchFileException e) {
            throw invalid(file, "file not found", e);
        } catch (IOException e) {
            throw invalid(file, "cannot be read (" + e + ")", e);
        }
    }

    private static String encode(Object... objects) {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            for (Object object : objects) {
                writer.writeObject(object);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return text.toString();
    }

    /**
     * Temp file + move, so a crash never leaves a half-written file. The temp file starts owner-only, so a
     * key is never readable by others, not even briefly.
     */
    private static void writeAtomically(Path file, String content, String posixPermissions) {
        Path directory = file.toAbsolutePath().getParent();
        try {
            Path temp = Files.createTempFile(directory, "." + file.getFileName(), ".tmp");
            try {
                Files.writeString(temp, content, StandardCharsets.US_ASCII);
                PosixFileAttributeView posix = Files.getFileAttributeView(temp, PosixFileAttributeView.class);
                if (posix != null) {
                    posix.setPermissions(PosixFilePermissions.fromString(posixPermissions));
                }
                move(temp, file);
            } finally {
                Files.deleteIfExists(temp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    private static void move(Path source, Path target) throws IOException {
        try {
            Files.move(source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(source, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    static IllegalArgumentException invalid(Path file, String problem, Throwable cause) {
        return new IllegalArgumentException(file + ": " + problem, cause);
    }
}
