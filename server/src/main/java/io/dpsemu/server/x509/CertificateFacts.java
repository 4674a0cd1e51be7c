package io.dpsemu.server.x509;

import io.dpsemu.protocol.model.X509CertificateInfo;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import javax.naming.NamingException;
import javax.naming.directory.Attribute;
import javax.naming.ldap.LdapName;
import javax.security.auth.x500.X500Principal;

/** What DPS computes about a certificate: thumbprints, names, the eight-field info block. */
public final class CertificateFacts {

    private static final HexFormat HEX = HexFormat.of().withUpperCase();

    private CertificateFacts() {
    }

    public static X509CertificateInfo info(X509Certificate certificate) {
        return new X509CertificateInfo(
                certificate.getSubjectX500Principal().getName(X500Principal.RFC2253),
                thumbprint(certificate, "SHA-1"),
                sha256(certificate),
                certificate.getIssuerX500Principal().getName(X500Principal.RFC2253),
                certificate.getNotBefore().toInstant(),
                certificate.getNotAfter().toInstant(),
                serialNumber(certificate),
                certificate.getVersion());
    }

    /** The serial number as upper-case hex of its DER integer bytes, as DPS shows it. */
    public static String serialNumber(X509Certificate certificate) {
        return HEX.formatHex(certificate.getSerialNumber().toByteArray());
    }

    /** Upper-case hex SHA-256 of the DER encoding: how certificates are compared. */
    public static String sha256(X509Certificate certificate) {
        return thumbprint(certificate, "SHA-256");
    }

    /** The subject's CN, or null when it has none. */
    public static String commonName(X509Certificate certificate) {
        try {
            LdapName name = new LdapName(certificate.getSubjectX500Principal().getName(X500Principal.RFC2253));
            for (int i = name.size() - 1; i >= 0; i--) {
                // A multi-valued RDN (CN=x+SERIALNUMBER=y) may list the CN second: look at every value.
                Attribute cn = name.getRdns().get(i).toAttributes().get("CN");
                if (cn != null && cn.size() > 0) {
                    return cn.get(0).toString();
                }
            }
            return null;
        } catch (NamingException e) {
            return null;
        }
    }

    /** Whether {@code issuer} is named as the issuer of {@code certificate} and its key verifies the signature. */
    public static boolean isSignedBy(X509Certificate certificate, X509Certificate issuer) {
        if (!certificate.getIssuerX500Principal().equals(issuer.getSubjectX500Principal())) {
            return false;
        }
        try {
            certificate.verify(issuer.getPublicKey());
            return true;
        } catch (java.security.GeneralSecurityException e) {
            return false;
        }
    }

    /** "CN=..." for messages. */
    public static String describe(X509Certificate certificate) {
        return "'" + certificate.getSubjectX500Principal().getName(X500Principal.RFC2253) + "'";
    }

    private static String thumbprint(X509Certificate certificate, String algorithm) {
        try {
            return HEX.formatHex(MessageDigest.getInstance(algorithm).digest(certificate.getEncoded()));
        } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
            throw new IllegalStateException("cannot compute the " + algorithm + " thumbprint", e);
        }
    }
}
