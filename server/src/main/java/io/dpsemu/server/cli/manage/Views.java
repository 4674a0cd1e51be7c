package io.dpsemu.server.cli.manage;

import com.fasterxml.jackson.databind.JsonNode;
import io.dpsemu.server.cli.manage.Output.Field;
import java.util.ArrayList;
import java.util.List;

/** How documents of the service API read as {@code Label: value} lines and as table rows. */
final class Views {

    static final List<String> ENROLLMENT_COLUMNS =
            List.of("REGISTRATION ID", "DEVICE ID", "STATUS", "ATTESTATION", "ALLOCATION", "HUBS",
                    "CREDENTIAL POLICY", "ETAG");
    static final List<String> GROUP_COLUMNS = List.of("GROUP ID", "STATUS", "ATTESTATION", "ALLOCATION", "HUBS",
            "CREDENTIAL POLICY", "ETAG");
    private static final String DEFAULT_CREDENTIAL_POLICY = "(server default)";
    static final List<String> REGISTRATION_COLUMNS =
            List.of("REGISTRATION ID", "DEVICE ID", "STATUS", "SUBSTATUS", "HUB", "LAST UPDATED", "ETAG");

    private Views() {
    }

    static List<String> row(EnrollmentKind kind, JsonNode d) {
        List<String> row = new ArrayList<>();
        row.add(text(d, kind.idField));
        if (kind == EnrollmentKind.ENROLLMENT) {
            row.add(deviceId(d));
        }
        row.add(status(d));
        row.add(attestationSummary(d.path("attestation")));
        row.add(allocation(d));
        row.add(hubs(d));
        row.add(text(d, "credentialPolicyName"));
        row.add(text(d, "etag"));
        return row;
    }

    static List<String> registrationRow(JsonNode r) {
        return List.of(text(r, "registrationId"), text(r, "deviceId"), text(r, "status"), text(r, "substatus"),
                text(r, "assignedHub"), text(r, "lastUpdatedDateTimeUtc"), text(r, "etag"));
    }

    /**
     * @param keys     whether to show symmetric key values the document carries
     * @param keysHint whether to say how to see keys the document does not carry
     */
    static List<Field> document(EnrollmentKind kind, JsonNode d, boolean keys, boolean keysHint) {
        List<Field> fields = new ArrayList<>();
        if (kind == EnrollmentKind.ENROLLMENT) {
            fields.add(new Field("Registration ID", text(d, "registrationId")));
            fields.add(new Field("Device ID", deviceId(d)));
        } else {
            fields.add(new Field("Enrollment group ID", text(d, "enrollmentGroupId")));
        }
        fields.add(new Field("Provisioning status", status(d)));
        attestation(fields, d.path("attestation"), keys, keysHint);
        fields.add(new Field("IoT Edge", d.path("capabilities").path("iotEdge").asBoolean(false) ? "yes" : "no"));
        fields.add(new Field("Allocation policy", allocation(d)));
        fields.add(new Field("IoT hubs", d.path("iotHubs").isArray() && !d.path("iotHubs").isEmpty() ? hubs(d)
                : d.hasNonNull("iotHubHostName") ? text(d, "iotHubHostName") : "(all linked hubs)"));
        JsonNode custom = d.path("customAllocationDefinition");
        if (custom.isObject()) {
            fields.add(new Field("Webhook", text(custom, "webhookUrl") + " (api-version "
                    + text(custom, "apiVersion") + ")"));
        }
        fields.add(new Field("Reprovision policy", reprovision(d.path("reprovisionPolicy"))));
        fields.add(new Field("Credential policy", d.hasNonNull("credentialPolicyName")
                ? text(d, "credentialPolicyName") : DEFAULT_CREDENTIAL_POLICY));
        fields.add(new Field("Initial twin", compact(d.get("initialTwin"))));
        fields.add(new Field("Device information", compact(d.get("optionalDeviceInformation"))));
        fields.add(new Field("ETag", nullable(d, "etag")));
        fields.add(new Field("Created", nullable(d, "createdDateTimeUtc")));
        fields.add(new Field("Last updated", nullable(d, "lastUpdatedDateTimeUtc")));
        JsonNode state = d.path("registrationState");
        if (state.isObject()) {
            fields.add(new Field("Registration", registrationSummary(state)));
        }
        return fields;
    }

    static List<Field> registration(JsonNode r) {
        List<Field> fields = new ArrayList<>();
        fields.add(new Field("Registration ID", text(r, "registrationId")));
        fields.add(new Field("Device ID", nullable(r, "deviceId")));
        fields.add(new Field("Status", nullable(r, "status")));
        fields.add(new Field("Substatus", nullable(r, "substatus")));
        fields.add(new Field("Assigned hub", nullable(r, "assignedHub")));
        if (r.hasNonNull("errorCode") || r.hasNonNull("errorMessage")) {
            fields.add(new Field("Error", text(r, "errorMessage") + " (errorCode " + text(r, "errorCode") + ")"));
        }
        fields.add(new Field("Payload", compact(r.get("payload"))));
        fields.add(new Field("Initial twin", compact(r.get("initialTwin"))));
        fields.add(new Field("IoT Edge", r.path("capabilities").path("iotEdge").asBoolean(false) ? "yes" : "no"));
        JsonNode issued = r.path("issuedCertificate");
        if (issued.isObject()) {
            fields.add(new Field("Issued certificate", issuedCertificateSummary(issued)));
        }
        for (JsonNode superseded : r.path("supersededCertificates")) {
            fields.add(new Field("Superseded certificate", issuedCertificateSummary(superseded) + ", superseded "
                    + text(superseded, "supersededDateTimeUtc")));
        }
        fields.add(new Field("ETag", nullable(r, "etag")));
        fields.add(new Field("Created", nullable(r, "createdDateTimeUtc")));
        fields.add(new Field("Last updated", nullable(r, "lastUpdatedDateTimeUtc")));
        return fields;
    }

    private static void attestation(List<Field> fields, JsonNode a, boolean keys, boolean keysHint) {
        fields.add(new Field("Attestation", attestationSummary(a)));
        String type = a.path("type").asText("");
        if (type.equalsIgnoreCase("symmetricKey")) {
            JsonNode sk = a.path("symmetricKey");
            boolean present = sk.hasNonNull("primaryKey") || sk.hasNonNull("secondaryKey");
            if (keys && present) {
                fields.add(new Field("Primary key", nullable(sk, "primaryKey")));
                fields.add(new Field("Secondary key", nullable(sk, "secondaryKey")));
            } else if (keysHint) {
                fields.add(new Field("Keys", "not shown (use --show-keys)"));
            }
        } else if (type.equalsIgnoreCase("x509")) {
            JsonNode x509 = a.path("x509");
            certificates(fields, x509.path("clientCertificates"), "certificate");
            certificates(fields, x509.path("signingCertificates"), "signing certificate");
            JsonNode refs = x509.path("caReferences");
            fields.add(new Field("Primary CA reference", nullable(refs, "primary")));
            fields.add(new Field("Secondary CA reference", nullable(refs, "secondary")));
        } else if (type.equalsIgnoreCase("tpm")) {
            fields.add(new Field("Endorsement key", abbreviate(nullable(a.path("tpm"), "endorsementKey"))));
        }
    }

    private static void certificates(List<Field> fields, JsonNode certificates, String what) {
        if (!certificates.isObject()) {
            return;
        }
        for (String which : List.of("primary", "secondary")) {
            JsonNode certificate = certificates.path(which);
            if (certificate.isObject()) {
                fields.add(new Field(Character.toUpperCase(which.charAt(0)) + which.substring(1) + " " + what,
                        certificateSummary(certificate.path("info"))));
            }
        }
    }

    private static String certificateSummary(JsonNode info) {
        if (!info.isObject()) {
            return "(no info)";
        }
        return text(info, "subjectName") + ", SHA-256 " + text(info, "sha256Thumbprint") + ", valid until "
                + text(info, "notAfterUtc");
    }

    /** A certificate the server signed from the device's CSR (registration state's issuedCertificate). */
    private static String issuedCertificateSummary(JsonNode certificate) {
        return "serial " + text(certificate, "serialNumber") + ", SHA-256 " + text(certificate, "sha256Thumbprint")
                + ", valid until " + text(certificate, "notAfterUtc") + ", policy "
                + text(certificate, "credentialPolicyName");
    }

    static String attestationSummary(JsonNode a) {
        String type = a.path("type").asText("");
        if (type.equalsIgnoreCase("x509")) {
            JsonNode x509 = a.path("x509");
            if (x509.path("caReferences").isObject()) {
                return "x509 (CA reference)";
            }
            if (x509.path("signingCertificates").isObject()) {
                return "x509 (signing certificate)";
            }
        }
        return type.isEmpty() ? "-" : type;
    }

    private static String registrationSummary(JsonNode state) {
        StringBuilder summary = new StringBuilder(text(state, "status"));
        if (state.hasNonNull("assignedHub")) {
            summary.append(" to ").append(text(state, "assignedHub"));
        }
        if (state.hasNonNull("deviceId")) {
            summary.append(" as ").append(text(state, "deviceId"));
        }
        if (state.hasNonNull("lastUpdatedDateTimeUtc")) {
            summary.append(", ").append(text(state, "lastUpdatedDateTimeUtc"));
        }
        JsonNode issued = state.path("issuedCertificate");
        if (issued.isObject()) {
            summary.append(", certificate serial ").append(text(issued, "serialNumber")).append(" valid until ")
                    .append(text(issued, "notAfterUtc"));
        }
        return summary.toString();
    }

    /** The CLI spelling of a reprovision policy (docs/protocol-notes.md#azure-cli-names). */
    static String reprovision(JsonNode policy) {
        if (!policy.isObject()) {
            return "reprovisionandmigratedata (default)";
        }
        boolean update = policy.path("updateHubAssignment").asBoolean(true);
        boolean migrate = policy.path("migrateDeviceData").asBoolean(true);
        return !update ? "never" : migrate ? "reprovisionandmigratedata" : "reprovisionandresetdata";
    }

    private static String deviceId(JsonNode d) {
        String deviceId = nullable(d, "deviceId");
        return deviceId == null || deviceId.isEmpty() ? text(d, "registrationId") : deviceId;
    }

    private static String status(JsonNode d) {
        return d.hasNonNull("provisioningStatus") ? text(d, "provisioningStatus") : "enabled";
    }

    private static String allocation(JsonNode d) {
        return d.hasNonNull("allocationPolicy") ? text(d, "allocationPolicy") : "default";
    }

    private static String hubs(JsonNode d) {
        List<String> hubs = new ArrayList<>();
        d.path("iotHubs").forEach(h -> hubs.add(h.asText()));
        if (hubs.isEmpty() && d.hasNonNull("iotHubHostName")) {
            hubs.add(text(d, "iotHubHostName"));
        }
        return String.join(",", hubs);
    }

    private static String compact(JsonNode node) {
        return node == null || node.isNull() || node.isMissingNode() ? null : node.toString();
    }

    private static String abbreviate(String text) {
        return text == null || text.length() <= 40 ? text : text.substring(0, 37) + "...";
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? "" : value.asText();
    }

    private static String nullable(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }
}
