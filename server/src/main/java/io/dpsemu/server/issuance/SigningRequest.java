package io.dpsemu.server.issuance;

import io.dpsemu.server.metrics.CertificateRefusal;
import io.dpsemu.server.x509.CryptoStrength;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.pkcs.Attribute;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.AttributeTypeAndValue;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.operator.DefaultAlgorithmNameFinder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCSException;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/** A device's PKCS#10 certificate signing request as it arrives: base64 of the DER, no PEM armour. */
final class SigningRequest {

    private static final Pattern WHITESPACE = Pattern.compile("\\s");
    /** Windows tools put requested extensions under Microsoft's own attribute: it is a request all the same. */
    private static final ASN1ObjectIdentifier MS_CERT_EXTENSIONS = new ASN1ObjectIdentifier("1.3.6.1.4.1.311.2.1.14");

    private final PKCS10CertificationRequest request;

    private SigningRequest(PKCS10CertificationRequest request) {
        this.request = request;
    }

    /**
     * Decodes the request; line breaks in the base64 are tolerated.
     *
     * @param maxChars the longest base64 accepted
     */
    static SigningRequest decode(String csrBase64, int maxChars) throws CsrRefusedException {
        if (csrBase64 == null || csrBase64.isBlank()) {
            throw new CsrRefusedException(CertificateRefusal.NOT_BASE64, "the csr is empty");
        }
        if (csrBase64.length() > maxChars) {
            throw new CsrRefusedException(CertificateRefusal.TOO_LARGE, "the csr is " + csrBase64.length()
                    + " characters long; at most " + maxChars + " are accepted");
        }
        if (csrBase64.contains("-----BEGIN")) {
            throw new CsrRefusedException(CertificateRefusal.NOT_BASE64,
                    "the csr is PEM; send the base64 of the DER request"
                    + " alone, without the -----BEGIN/-----END lines");
        }
        byte[] der;
        try {
            der = Base64.getDecoder().decode(WHITESPACE.matcher(csrBase64).replaceAll(""));
        } catch (IllegalArgumentException e) {
            throw new CsrRefusedException(CertificateRefusal.NOT_BASE64,
                    "the csr is not base64 (" + e.getMessage() + ")");
        }
        try {
            return new SigningRequest(new PKCS10CertificationRequest(der));
        } catch (IOException | RuntimeException e) {
            throw new CsrRefusedException(CertificateRefusal.NOT_PKCS10,
                    "the csr is not a DER PKCS#10 certificate signing request");
        }
    }

    SubjectPublicKeyInfo keyInfo() {
        return request.getSubjectPublicKeyInfo();
    }

    /**
     * The requested key as a JDK key, once the request's signature is shown to be made with it (proof of
     * possession) over a sound digest. Call after the key rules accepted the key: EC and RSA only.
     */
    PublicKey verifiedKey() throws CsrRefusedException {
        PublicKey key = publicKey();
        String algorithm = new DefaultAlgorithmNameFinder().getAlgorithmName(request.getSignatureAlgorithm());
        if (CryptoStrength.isBrokenDigest(algorithm)) {
            throw new CsrRefusedException(CertificateRefusal.BAD_SIGNATURE, "the csr is signed with " + algorithm
                    + ", a broken digest; sign it with SHA-256 or better");
        }
        boolean valid;
        try {
            valid = request.isSignatureValid(new JcaContentVerifierProviderBuilder().build(key));
        } catch (OperatorCreationException | PKCSException | RuntimeException e) {
            valid = false;
        }
        if (!valid) {
            throw new CsrRefusedException(CertificateRefusal.BAD_SIGNATURE,
                    "the csr's signature does not verify with the public key it carries");
        }
        return key;
    }

    /** Through the JDK's key factories: no BouncyCastle provider is installed to convert by OID. */
    private PublicKey publicKey() throws CsrRefusedException {
        ASN1ObjectIdentifier type = keyInfo().getAlgorithm().getAlgorithm();
        String algorithm = X9ObjectIdentifiers.id_ecPublicKey.equals(type) ? "EC"
                : PKCSObjectIdentifiers.rsaEncryption.equals(type) ? "RSA" : null;
        if (algorithm == null) {
            throw new CsrRefusedException(CertificateRefusal.KEY,
                    "the csr's key type " + type.getId() + " is not accepted");
        }
        try {
            return KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(keyInfo().getEncoded()));
        } catch (GeneralSecurityException | IOException e) {
            throw new CsrRefusedException(CertificateRefusal.KEY,
                    "the csr's public key cannot be read (" + e.getMessage() + ")");
        }
    }

    /** Every CN value of the subject, multi-valued RDNs included; a CN that is not a string counts as "". */
    List<String> commonNames() {
        List<String> names = new ArrayList<>();
        for (RDN rdn : request.getSubject().getRDNs(BCStyle.CN)) {
            for (AttributeTypeAndValue value : rdn.getTypesAndValues()) {
                if (BCStyle.CN.equals(value.getType())) {
                    names.add(value.getValue() instanceof ASN1String text ? text.getString() : "");
                }
            }
        }
        return names;
    }

    /** The extensions of every extension request attribute, in order. */
    List<Extension> requestedExtensions() throws CsrRefusedException {
        List<Extension> requested = new ArrayList<>();
        for (ASN1ObjectIdentifier type : List.of(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest,
                MS_CERT_EXTENSIONS)) {
            for (Attribute attribute : request.getAttributes(type)) {
                for (ASN1Encodable value : attribute.getAttributeValues()) {
                    try {
                        Extensions extensions = Extensions.getInstance(value);
                        for (ASN1ObjectIdentifier oid : extensions.getExtensionOIDs()) {
                            requested.add(extensions.getExtension(oid));
                        }
                    } catch (IllegalArgumentException e) {
                        throw new CsrRefusedException(CertificateRefusal.EXTENSION,
                                "the csr's extension request is malformed");
                    }
                }
            }
        }
        return requested;
    }
}
