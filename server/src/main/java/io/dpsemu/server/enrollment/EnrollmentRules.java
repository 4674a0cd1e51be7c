package io.dpsemu.server.enrollment;

import com.fasterxml.jackson.databind.JsonNode;
import io.dpsemu.protocol.auth.RegistrationIds;
import io.dpsemu.protocol.auth.SymmetricKeys;
import io.dpsemu.protocol.enrollment.AllocationPolicy;
import io.dpsemu.protocol.enrollment.AttestationMechanism;
import io.dpsemu.protocol.enrollment.AttestationType;
import io.dpsemu.protocol.enrollment.CustomAllocationDefinition;
import io.dpsemu.protocol.enrollment.DeviceCapabilities;
import io.dpsemu.protocol.enrollment.EnrollmentGroup;
import io.dpsemu.protocol.enrollment.IndividualEnrollment;
import io.dpsemu.protocol.enrollment.ProvisioningStatus;
import io.dpsemu.protocol.enrollment.ReprovisionPolicy;
import io.dpsemu.protocol.enrollment.SymmetricKeyAttestation;
import io.dpsemu.protocol.json.DpsJson;
import io.dpsemu.server.config.LinkedHub;
import io.dpsemu.server.x509.X509Enrollments;
import java.net.URI;
import java.net.URISyntaxException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The rules an enrollment or group document must follow before it is stored, the same for the
 * service API and seed files: ids, attestation (symmetric keys of 16-64 bytes, generated when left
 * out; X.509 certificates parsed and their info computed), and allocation settings that name linked
 * hubs. A symmetric key left out keeps the stored one, so an update that omits keys (as the Azure CLI's
 * does after reading them) does not change what devices sign with.
 */
public final class EnrollmentRules {

    private static final int GENERATED_KEY_BYTES = SymmetricKeys.MAX_BYTES;
    private static final SecureRandom RANDOM = new SecureRandom();
    /** IoT Hub's device id alphabet, wider than DPS's registration id one. */
    private static final Pattern DEVICE_ID = Pattern.compile("[A-Za-z0-9\\-.%_*?!(),:=@$']{1,128}");
    /** The names a credential policy can have in the server's configuration. */
    private static final Pattern CREDENTIAL_POLICY_NAME = Pattern.compile("[A-Za-z0-9_.\\-]{1,64}");

    private final Set<String> linkedHubs;
    private final Set<String> credentialPolicies;

    /** @param credentialPolicies the names of the credential policies configured on this server */
    public EnrollmentRules(List<LinkedHub> linkedHubs, Set<String> credentialPolicies) {
        this.linkedHubs = linkedHubs.stream().map(h -> h.hostName().toLowerCase(Locale.ROOT))
                .collect(Collectors.toUnmodifiableSet());
        this.credentialPolicies = Set.copyOf(credentialPolicies);
    }

    /**
     * @param stored the attestation stored under this id, or null
     * @return the document to store
     */
    public IndividualEnrollment prepare(IndividualEnrollment enrollment, AttestationMechanism stored) {
        requireId("registrationId", enrollment.registrationId());
        if (enrollment.deviceId() != null && !enrollment.deviceId().isEmpty()
                && !DEVICE_ID.matcher(enrollment.deviceId()).matches()) {
            throw new InvalidEnrollmentException("deviceId: '" + enrollment.deviceId()
                    + "' is not an IoT Hub device id "
                    + "(up to 128 letters, digits and - . % _ * ? ! ( ) , : = @ $ ')");
        }
        AttestationMechanism attestation = attestation(enrollment.attestation(), stored, false);
        checkAllocation(enrollment.allocationPolicy(), enrollment.iotHubs(), enrollment.iotHubHostName(),
                enrollment.customAllocationDefinition());
        checkTwin(enrollment.initialTwin());
        requireObject("optionalDeviceInformation", enrollment.optionalDeviceInformation());
        return new IndividualEnrollment(enrollment.registrationId(), enrollment.deviceId(),
                enrollment.optionalDeviceInformation(), attestation, orDefault(enrollment.capabilities()),
                enrollment.iotHubHostName(), enrollment.initialTwin(), null, orDefault(enrollment.provisioningStatus()),
                orDefault(enrollment.reprovisionPolicy()), null, null, enrollment.allocationPolicy(),
                enrollment.iotHubs(), enrollment.customAllocationDefinition(),
                credentialPolicyName(enrollment.credentialPolicyName()));
    }

    public EnrollmentGroup prepare(EnrollmentGroup group, AttestationMechanism stored) {
        requireId("enrollmentGroupId", group.enrollmentGroupId());
        AttestationMechanism attestation = attestation(group.attestation(), stored, true);
        checkAllocation(group.allocationPolicy(), group.iotHubs(), group.iotHubHostName(),
                group.customAllocationDefinition());
        checkTwin(group.initialTwin());
        return new EnrollmentGroup(group.enrollmentGroupId(), attestation, orDefault(group.capabilities()),
                group.iotHubHostName(), group.initialTwin(), null, orDefault(group.provisioningStatus()),
                orDefault(group.reprovisionPolicy()), null, null, group.allocationPolicy(), group.iotHubs(),
                group.customAllocationDefinition(), credentialPolicyName(group.credentialPolicyName()));
    }

    /**
     * Absent (the server's default policy applies) or a policy configured here: a typo shows when the
     * enrollment is written, not when its first device asks for a certificate.
     */
    private String credentialPolicyName(String name) {
        if (name != null && !CREDENTIAL_POLICY_NAME.matcher(name).matches()) {
            throw new InvalidEnrollmentException("credentialPolicyName: '" + name + "' is not a credential policy"
                    + " name (1 to 64 letters, digits and - _ .)");
        }
        if (name != null && !credentialPolicies.contains(name)) {
            throw new InvalidEnrollmentException("credentialPolicyName: '" + name + "' is not configured on this"
                    + " server (issuance.policies); configured: "
                    + String.join(", ", new TreeSet<>(credentialPolicies)));
        }
        return name;
    }

    /** DPS's defaults are written into the document, so reads show them as DPS does. */
    private static DeviceCapabilities orDefault(DeviceCapabilities capabilities) {
        return capabilities != null ? capabilities : new DeviceCapabilities(false);
    }

    private static ProvisioningStatus orDefault(ProvisioningStatus status) {
        return status != null ? status : ProvisioningStatus.ENABLED;
    }

    private static ReprovisionPolicy orDefault(ReprovisionPolicy policy) {
        return policy != null ? policy : ReprovisionPolicy.DEFAULT;
    }

    private static void requireId(String field, String id) {
        RegistrationIds.problem(id).ifPresent(problem -> {
            throw new InvalidEnrollmentException(field + ": " + problem);
        });
    }

    private AttestationMechanism attestation(AttestationMechanism attestation, AttestationMechanism stored,
            boolean group) {
        if (attestation == null || attestation.type() == null) {
            throw new InvalidEnrollmentException("attestation.type is required (symmetricKey, x509 or tpm)");
        }
        switch (attestation.type()) {
            case SYMMETRIC_KEY:
                return symmetricKeys(attestation.symmetricKey(), stored);
            case X509:
                try {
                    return X509Enrollments.withInfo(attestation, group);
                } catch (IllegalArgumentException e) {
                    throw new InvalidEnrollmentException(e.getMessage());
                }
            case TPM:
                if (group) {
                    throw new InvalidEnrollmentException("attestation.type: an enrollment group cannot use tpm");
                }
                if (attestation.tpm() == null || attestation.tpm().endorsementKey() == null) {
                    throw new InvalidEnrollmentException("attestation.tpm.endorsementKey is required");
                }
                return attestation;
            default:
                throw new InvalidEnrollmentException("attestation.type '" + attestation.type().wire()
                        + "' cannot be enrolled");
        }
    }

    private static AttestationMechanism symmetricKeys(SymmetricKeyAttestation given, AttestationMechanism stored) {
        SymmetricKeyAttestation kept = stored != null && stored.type() == AttestationType.SYMMETRIC_KEY
                ? stored.symmetricKey() : null;
        return AttestationMechanism.symmetricKey(
                key(given == null ? null : given.primaryKey(), kept == null ? null : kept.primaryKey(),
                        "attestation.symmetricKey.primaryKey"),
                key(given == null ? null : given.secondaryKey(), kept == null ? null : kept.secondaryKey(),
                        "attestation.symmetricKey.secondaryKey"));
    }

    private static String key(String given, String kept, String field) {
        if (given != null && !given.isEmpty()) {
            SymmetricKeys.problem(given).ifPresent(problem -> {
                throw new InvalidEnrollmentException(field + " " + problem);
            });
            return given;
        }
        if (kept != null) {
            return kept;
        }
        byte[] generated = new byte[GENERATED_KEY_BYTES];
        RANDOM.nextBytes(generated);
        return Base64.getEncoder().encodeToString(generated);
    }

    /**
     * {@code {tags, properties: {desired}}}, each part an object when present
     * (docs/protocol-notes.md#enrollment-documents).
     */
    private static void checkTwin(JsonNode twin) {
        requireObject("initialTwin", twin);
        if (twin == null || !twin.isObject()) {
            return;
        }
        requireObject("initialTwin.tags", twin.get("tags"));
        JsonNode properties = twin.get("properties");
        requireObject("initialTwin.properties", properties);
        if (properties != null && properties.isObject()) {
            requireObject("initialTwin.properties.desired", properties.get("desired"));
        }
    }

    /** Absent, JSON null or an object: a twin collection holds named values, never a bare value or a list. */
    private static void requireObject(String field, JsonNode node) {
        if (node != null && !node.isNull() && !node.isObject()) {
            throw new InvalidEnrollmentException(field + " must be a JSON object, not " + DpsJson.describe(node));
        }
    }

    private void checkAllocation(AllocationPolicy policy, List<String> iotHubs, String iotHubHostName,
            CustomAllocationDefinition custom) {
        List<String> hubs = iotHubs == null ? List.of() : iotHubs;
        for (int i = 0; i < hubs.size(); i++) {
            if (hubs.get(i) == null || hubs.get(i).isBlank()) {
                throw new InvalidEnrollmentException("iotHubs[" + i + "] must be the host name of a linked IoT hub,"
                        + " not " + (hubs.get(i) == null ? "null" : "blank"));
            }
            requireLinked(hubs.get(i), "iotHubs");
        }
        if (iotHubHostName != null && !iotHubHostName.isEmpty()) {
            requireLinked(iotHubHostName, "iotHubHostName");
        }
        if (!hubs.isEmpty() && policy == null) {
            throw new InvalidEnrollmentException("allocationPolicy must be specified when iotHubs are specified");
        }
        if (policy == AllocationPolicy.STATIC && hubs.size() != 1
                && (iotHubHostName == null || iotHubHostName.isEmpty() || !hubs.isEmpty())) {
            throw new InvalidEnrollmentException("allocationPolicy static needs exactly one hub in iotHubs, not "
                    + hubs.size());
        }
        if (policy == AllocationPolicy.CUSTOM && (custom == null || custom.webhookUrl() == null
                || custom.webhookUrl().isBlank() || custom.apiVersion() == null || custom.apiVersion().isBlank())) {
            throw new InvalidEnrollmentException("allocationPolicy custom needs customAllocationDefinition with "
                    + "webhookUrl and apiVersion");
        }
        if (custom != null && custom.webhookUrl() != null && !custom.webhookUrl().isBlank()) {
            checkWebhookUrl(custom.webhookUrl());
        }
    }

    private static void checkWebhookUrl(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new InvalidEnrollmentException("customAllocationDefinition.webhookUrl is not a URL: "
                    + e.getMessage());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
            throw new InvalidEnrollmentException("customAllocationDefinition.webhookUrl must be an absolute http or "
                    + "https URL with a host, not '" + url + "'");
        }
    }

    private void requireLinked(String hub, String field) {
        if (!linkedHubs.contains(hub.toLowerCase(Locale.ROOT))) {
            throw new InvalidEnrollmentException(field + ": '" + hub + "' is not a linked IoT hub");
        }
    }
}
