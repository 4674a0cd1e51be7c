package io.dpsemu.server.allocation;

import com.fasterxml.jackson.databind.JsonNode;
import io.dpsemu.protocol.DpsProtocolException;
import io.dpsemu.protocol.json.DpsJson;
import java.util.List;
import java.util.Optional;

/**
 * A webhook's answer (docs/protocol-notes.md#custom-allocation-webhooks): the hub, and optionally
 * the device's initial twin and a payload for the device.
 *
 * @param iotHubHostName the chosen hub, in the spelling of the linked hub
 * @param initialTwin    {@code {tags, properties: {desired}}}; null when the webhook sent none
 * @param payload        returned to the device in {@code registrationState.payload}; always a JSON
 *                       object (the embedded-C and Java SDKs reject other JSON types), or null
 */
public record AllocationResponse(String iotHubHostName, JsonNode initialTwin, JsonNode payload) {

    /**
     * @param offeredHubs the {@code linkedHubs} the request offered; the reply must name one of them
     */
    public static AllocationResponse parse(byte[] body, List<String> offeredHubs) throws CustomAllocationException {
        JsonNode root;
        try {
            root = DpsJson.read(body, JsonNode.class);
        } catch (DpsProtocolException e) {
            throw invalid("not JSON: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw invalid("not a JSON object");
        }
        JsonNode hub = root.get("iotHubHostName");
        if (hub == null || !hub.isTextual() || hub.textValue().isBlank()) {
            throw invalid("iotHubHostName is missing");
        }
        Optional<String> offered = offeredHubs.stream().filter(h -> h.equalsIgnoreCase(hub.textValue())).findFirst();
        if (offered.isEmpty()) {
            throw invalid("iotHubHostName '" + hub.textValue() + "' is not one of the linked hubs offered "
                    + offeredHubs);
        }
        JsonNode twin = present(root.get("initialTwin"));
        if (twin != null && !twin.isObject()) {
            throw invalid("initialTwin must be a JSON object");
        }
        return new AllocationResponse(offered.get(), twin, payload(present(root.get("payload"))));
    }

    /** A payload written as a string holding a JSON object (a common Azure Functions habit) is that object. */
    private static JsonNode payload(JsonNode payload) throws CustomAllocationException {
        if (payload == null || payload.isObject()) {
            return payload;
        }
        if (payload.isTextual()) {
            try {
                JsonNode parsed = DpsJson.read(payload.textValue(), JsonNode.class);
                if (parsed != null && parsed.isObject()) {
                    return parsed;
                }
            } catch (DpsProtocolException e) {
                // reported below, like any other non-object payload
            }
        }
        throw invalid("payload must be a JSON object (device SDKs reject other JSON types), not " + payload);
    }

    private static JsonNode present(JsonNode node) {
        return node == null || node.isNull() ? null : node;
    }

    private static CustomAllocationException invalid(String problem) {
        return new CustomAllocationException("Custom allocation failed: invalid reply from the webhook: " + problem);
    }
}
