package io.dpsemu.loadgen.flow;

import com.fasterxml.jackson.databind.JsonNode;
import io.dpsemu.protocol.json.DpsJson;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * {@code registrationState.issuedCertificateChain} of an assigned result (api-version {@code 2025-07-01-preview}
 * and later): base64 DER certificates, the issued leaf first, each followed by its issuer, ending with the root.
 */
public final class IssuedCertificateChain {

    private IssuedCertificateChain() {
    }

    /**
     * The chain of a result body, in the order sent; empty when the body has none.
     *
     * @throws IllegalArgumentException when the field is there but is not a non-empty array of base64 DER
     *     certificates
     */
    public static Optional<List<X509Certificate>> of(byte[] body) {
        JsonNode chain;
        try {
            chain = DpsJson.mapper().readTree(body).path("registrationState").path("issuedCertificateChain");
        } catch (IOException e) {
            throw new IllegalArgumentException("the assigned answer is not JSON: " + e.getMessage(), e);
        }
        if (chain.isMissingNode() || chain.isNull()) {
            return Optional.empty();
        }
        if (!chain.isArray() || chain.isEmpty()) {
            throw new IllegalArgumentException("registrationState.issuedCertificateChain is not an array of"
                    + " certificates: " + chain);
        }
        List<X509Certificate> certificates = new ArrayList<>(chain.size());
        for (JsonNode element : chain) {
            certificates.add(certificate(element, certificates.size()));
        }
        return Optional.of(List.copyOf(certificates));
    }

    private static X509Certificate certificate(JsonNode element, int index) {
        String where = "registrationState.issuedCertificateChain[" + index + "]";
        if (!element.isTextual()) {
            throw new IllegalArgumentException(where + " is not a string: " + element);
        }
        try {
            byte[] der = Base64.getDecoder().decode(element.textValue());
            return (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(der));
        } catch (IllegalArgumentException | CertificateException e) {
            throw new IllegalArgumentException(where + " is not a base64 DER certificate: " + e.getMessage(), e);
        }
    }
}
