package io.dpsemu.server.issuance;

import io.dpsemu.protocol.auth.RegistrationIds;
import io.dpsemu.server.metrics.CertificateRefusal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;

/**
 * The extensions a request asks for. The policy sets every extension itself and honours none; a request
 * is still refused when it asks for more than the policy grants anyway, so that a device expecting, say,
 * a CA certificate or a server name learns at once that it will not get one.
 */
final class RequestedExtensions {

    private static final Map<Integer, String> KEY_USAGES = keyUsages();
    private static final Map<KeyPurposeId, String> PURPOSES = Map.of(
            KeyPurposeId.id_kp_serverAuth, "serverAuth", KeyPurposeId.id_kp_codeSigning, "codeSigning",
            KeyPurposeId.id_kp_emailProtection, "emailProtection", KeyPurposeId.id_kp_timeStamping, "timeStamping",
            KeyPurposeId.id_kp_OCSPSigning, "OCSPSigning", KeyPurposeId.anyExtendedKeyUsage, "anyExtendedKeyUsage");
    private static final Map<ASN1ObjectIdentifier, String> EXTENSIONS = Map.of(
            Extension.subjectKeyIdentifier, "subjectKeyIdentifier",
            Extension.authorityKeyIdentifier, "authorityKeyIdentifier",
            Extension.nameConstraints, "nameConstraints", Extension.certificatePolicies, "certificatePolicies",
            Extension.cRLDistributionPoints, "cRLDistributionPoints",
            Extension.authorityInfoAccess, "authorityInfoAccess", Extension.policyConstraints, "policyConstraints",
            Extension.issuerAlternativeName, "issuerAltName");
    private static final String[] GENERAL_NAME_TYPES = {"otherName", "email", "DNS", "x400Address", "dirName",
        "ediPartyName", "URI", "IP", "registeredID"};

    private RequestedExtensions() {
    }

    /**
     * Allowed: subjectAltName naming only the registration id as a DNS name, keyUsage and extendedKeyUsage
     * within what is granted, basicConstraints CA:false. Anything else is refused, naming it.
     *
     * @param grantedKeyUsage the keyUsage bits the issued certificate carries (BouncyCastle's encoding)
     */
    static void check(List<Extension> requested, String registrationId, int grantedKeyUsage)
            throws CsrRefusedException {
        for (Extension extension : requested) {
            ASN1ObjectIdentifier oid = extension.getExtnId();
            try {
                if (Extension.subjectAlternativeName.equals(oid)) {
                    checkNames(GeneralNames.getInstance(extension.getParsedValue()), registrationId);
                } else if (Extension.keyUsage.equals(oid)) {
                    checkKeyUsage(KeyUsage.getInstance(extension.getParsedValue()), grantedKeyUsage);
                } else if (Extension.extendedKeyUsage.equals(oid)) {
                    checkPurposes(ExtendedKeyUsage.getInstance(extension.getParsedValue()));
                } else if (Extension.basicConstraints.equals(oid)) {
                    if (BasicConstraints.getInstance(extension.getParsedValue()).isCA()) {
                        throw refused("basicConstraints CA:true; issued certificates are never CA certificates");
                    }
                } else {
                    throw refused("the extension " + EXTENSIONS.getOrDefault(oid, oid.getId())
                            + "; this policy sets the certificate's extensions itself");
                }
            } catch (IllegalArgumentException e) {
                throw new CsrRefusedException(CertificateRefusal.EXTENSION, "the csr's requested extension "
                        + oid.getId() + " is malformed");
            }
        }
    }

    private static void checkNames(GeneralNames names, String registrationId) throws CsrRefusedException {
        for (GeneralName name : names.getNames()) {
            boolean theRegistrationId = name.getTagNo() == GeneralName.dNSName
                    && name.getName() instanceof ASN1String dns
                    && RegistrationIds.normalize(dns.getString()).equals(RegistrationIds.normalize(registrationId));
            if (!theRegistrationId) {
                throw refused("subjectAltName " + GENERAL_NAME_TYPES[name.getTagNo()] + ":" + name.getName()
                        + "; only DNS:" + registrationId + " (the registration id) may be named");
            }
        }
    }

    private static void checkKeyUsage(KeyUsage usage, int granted) throws CsrRefusedException {
        List<String> beyond = new ArrayList<>();
        KEY_USAGES.forEach((bit, name) -> {
            if (usage.hasUsages(bit) && (granted & bit) == 0) {
                beyond.add(name);
            }
        });
        if (!beyond.isEmpty()) {
            List<String> grantedNames = new ArrayList<>();
            KEY_USAGES.forEach((bit, name) -> {
                if ((granted & bit) != 0) {
                    grantedNames.add(name);
                }
            });
            throw refused("keyUsage " + String.join(", ", beyond) + "; the certificate's key usage is "
                    + String.join(", ", grantedNames));
        }
    }

    private static void checkPurposes(ExtendedKeyUsage requested) throws CsrRefusedException {
        for (KeyPurposeId purpose : requested.getUsages()) {
            if (!KeyPurposeId.id_kp_clientAuth.equals(purpose)) {
                throw refused("extendedKeyUsage " + PURPOSES.getOrDefault(purpose, purpose.getId())
                        + "; the certificate is for clientAuth only");
            }
        }
    }

    private static CsrRefusedException refused(String what) {
        return new CsrRefusedException(CertificateRefusal.EXTENSION, "the csr requests " + what);
    }

    private static Map<Integer, String> keyUsages() {
        Map<Integer, String> names = new LinkedHashMap<>();
        names.put(KeyUsage.digitalSignature, "digitalSignature");
        names.put(KeyUsage.nonRepudiation, "nonRepudiation");
        names.put(KeyUsage.keyEncipherment, "keyEncipherment");
        names.put(KeyUsage.dataEncipherment, "dataEncipherment");
        names.put(KeyUsage.keyAgreement, "keyAgreement");
        names.put(KeyUsage.keyCertSign, "keyCertSign");
        names.put(KeyUsage.cRLSign, "cRLSign");
        names.put(KeyUsage.encipherOnly, "encipherOnly");
        names.put(KeyUsage.decipherOnly, "decipherOnly");
        return Collections.unmodifiableMap(names);
    }
}
