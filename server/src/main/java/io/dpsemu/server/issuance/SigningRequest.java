package io.dpsemu.server.issuance;

import io.dpsemu.server.issuance.CsrRefusedException.Reason;
import io.dpsemu.server.x509.CryptoStrength;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
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
import org.bouncycastle.operator.DefaultAlgorithmNameFinder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCSException;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;

/** A device's PKCS#10 certificate signing request as it arrives: base64 of the DER, no PEM armour. */
final class SigningRequest {

    private static final Pattern WHITESPACE = Pattern.compile("\\s");
    /** Windows tools put requested extensions under Microsoft's own attribute: it is a request all the same. */
    private static final ASN1ObjectIdentifier MS_CERT_EXTENSIONS = new ASN1ObjectIdentifier("1.3.6.1.4.1.311.2.1.14");

    private final JcaPKCS10CertificationRequest request;

    private SigningRequest(JcaPKCS10CertificationRequest request) {
        this.request = request;
    }

    /**
     * Decodes the request; line breaks in the base64 are tolerated.
     *
     * @param maxChars the longest base64 accepted
     */
    static SigningRequest decode(String csrBase64, int maxChars) throws CsrRefusedException {
        if (csrBase64 == null || csrBase64.isBlank()) {
            throw new CsrRefusedException(Reason.NOT_BASE64, "the csr is empty");
        }
        if (csrBase64.length() > maxChars) {
            throw new CsrRefusedException(Reason.TOO_LARGE, "the csr is " + csrBase64.length()
                    + " characters long; at most " + maxChars + " are accepted");
        }
        if (csrBase64.contains("-----BEGIN")) {
            throw new CsrRefusedException(Reason.NOT_BASE64, "the csr is PEM; send the base64 of the DER request"
                    + " alone, without the -----BEGIN/-----END lines");
        }
        byte[] der;
        try {
            der = Base64.getDecoder().decode(WHITESPACE.matcher(csrBase64).replaceAll(""));
        } catch (IllegalArgumentException e) {
            throw new CsrRefusedException(Reason.NOT_BASE64, "the csr is not base64 (" + e.getMessage() + ")");
        }
        try {
            return new SigningRequest(new JcaPKCS10CertificationRequest(der));
        } catch (IOException | RuntimeException e) {
            throw new CsrRefusedException(Reason.NOT_PKCS10,
                    "the csr is not a DER PKCS#10 certificate signing request");
        }
    }

    SubjectPublicKeyInfo keyInfo() {
        return request.getSubjectPublicKeyInfo();
    }

    /** The requested key as a JDK key; call after the key rules accepted it. */
    PublicKey publicKey() throws CsrRefusedException {
        try {
            return request.getPublicKey();
        } catch (GeneralSecurityException e) {
            throw new CsrRefusedException(Reason.KEY, "the csr's public key cannot be read (" + e.getMessage() + ")");
        }
    }

    /** That the request is signed by the key it carries (proof of possession), with a sound digest. */
    void verifySignature() throws CsrRefusedException {
        String algorithm = new DefaultAlgorithmNameFinder().getAlgorithmName(request.getSignatureAlgorithm());
        if (CryptoStrength.isBrokenDigest(algorithm)) {
            throw new CsrRefusedException(Reason.BAD_SIGNATURE, "the csr is signed with " + algorithm
                    + ", a broken digest; sign it with SHA-256 or better");
        }
        boolean valid;
        try {
            valid = request.isSignatureValid(new JcaContentVerifierProviderBuilder().build(keyInfo()));
        } catch (OperatorCreationException | PKCSException | RuntimeException e) {
            valid = false;
        }
        if (!valid) {
            throw new CsrRefusedException(Reason.BAD_SIGNATURE,
                    "the csr's signature does not verify with the public key it carries");
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
                        throw new CsrRefusedException(Reason.EXTENSION, "the csr's extension request is malformed");
                    }
                }
            }
        }
        return requested;
    }
}
