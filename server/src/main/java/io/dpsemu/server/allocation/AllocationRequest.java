package io.dpsemu.server.allocation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dpsemu.protocol.json.DpsJson;
import java.util.List;

/**
 * What DPS POSTs to a custom-allocation webhook
 * (docs/protocol-notes.md#custom-allocation-webhooks): the enrollment with its attestation reduced
 * to its type (the webhook never sees keys or certificates), the device's runtime context and the
 * hubs it may choose from.
 *
 * @param individual            whether {@code enrollment} is an individual enrollment (else a group)
 * @param enrollment            the enrollment document as the service API shows it
 * @param currentIotHubHostName the hub of the device's current assignment; null when it has none
 * @param currentDeviceId       the device id of that assignment; null when it has none
 * @param attestationType       {@code symmetricKey} or {@code x509}
 * @param attestationDetails    the X.509 details the device is told (certificate info, group); null for
 *                              a key, which is sent as {@code {}} like DPS does
 * @param payload               the device's registration payload, verbatim; null when it sent none
 * @param linkedHubs            the hubs the reply may name
 */
public record AllocationRequest(
        boolean individual,
        Object enrollment,
        String registrationId,
        String currentIotHubHostName,
        String currentDeviceId,
        String attestationType,
        Object attestationDetails,
        JsonNode payload,
        List<String> linkedHubs) {

    public ObjectNode toJson() {
        ObjectMapper mapper = DpsJson.mapper();
        ObjectNode root = mapper.createObjectNode();
        ObjectNode document = mapper.valueToTree(enrollment);
        if (document.hasNonNull("attestation")) {
            JsonNode type = document.get("attestation").get("type");
            document.putObject("attestation").set("type", type);
        }
        root.set(individual ? "individualEnrollment" : "enrollmentGroup", document);
        ObjectNode context = root.putObject("deviceRuntimeContext");
        context.put("registrationId", registrationId);
        if (currentIotHubHostName != null) {
            context.put("currentIotHubHostName", currentIotHubHostName);
            context.put("currentDeviceId", currentDeviceId);
        }
        context.set(attestationType, attestationDetails == null ? mapper.createObjectNode()
                : mapper.valueToTree(attestationDetails));
        if (payload != null && !payload.isNull()) {
            context.set("payload", payload);
        }
        linkedHubs.forEach(root.putArray("linkedHubs")::add);
        return root;
    }
}
