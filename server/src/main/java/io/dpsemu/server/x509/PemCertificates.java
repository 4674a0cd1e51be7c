package io.dpsemu.server.x509;

import java.io.ByteArrayInputStream;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Certificates from the text of enrollment documents and tool files: PEM blocks (other blocks, such
 * as a bundled private key, are skipped), or one bare base64 DER certificate, which some tools send.
 */
public final class PemCertificates {

    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\\s]+?)-----END CERTIFICATE-----");
    private static final Pattern BARE_BASE64 = Pattern.compile("[A-Za-z0-9+/=\\s]+");

    private PemCertificates() {
    }

    /** Every certificate in the text, in order; IllegalArgumentException when there is none or one is broken. */
    public static List<X509Certificate> parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("no certificate: the text is empty");
        }
        List<String> bodies = new ArrayList<>();
        Matcher blocks = BLOCK.matcher(text);
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

    /** The first certificate of the text. */
    public static X509Certificate parseOne(String text) {
        return parse(text).get(0);
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
}
