package io.dpsemu.server.cli.manage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The document options {@code add} and {@code update} share for enrollments and groups: status,
 * IoT Edge, allocation and hubs, the custom-allocation webhook, reprovisioning, the initial twin, the
 * credential policy that signs the devices' certificates, and a whole document from a file. Each
 * changes only its own fields of the document it is applied to.
 */
final class EditOptions {

    static final String DEFAULT_WEBHOOK_API_VERSION = "2021-10-01";
    private static final Map<String, String> ALLOCATION_POLICIES = Map.of(
            "static", "static", "hashed", "hashed", "geolatency", "geoLatency", "custom", "custom");
    /** CLI name → {updateHubAssignment, migrateDeviceData} (docs/protocol-notes.md#azure-cli-names). */
    private static final Map<String, boolean[]> REPROVISION_POLICIES = Map.of(
            "reprovisionandmigratedata", new boolean[] {true, true},
            "reprovisionandresetdata", new boolean[] {true, false},
            "never", new boolean[] {false, false});
    /** Fields only the server writes: left out of what is sent. */
    private static final List<String> SERVER_FIELDS = List.of("etag", "createdDateTimeUtc", "lastUpdatedDateTimeUtc",
            "registrationState");

    @Option(names = "--hub", paramLabel = "HOST", order = 30,
            description = "a linked IoT hub the devices may be assigned to; repeat for several (replaces the list)")
    List<String> hubs;

    @Option(names = "--allocation-policy", paramLabel = "POLICY", order = 31,
            description = "static, hashed, geoLatency or custom (default with --hub: static for one hub, hashed"
                    + " for several)")
    String allocationPolicy;

    @Option(names = "--webhook-url", paramLabel = "URL", order = 32,
            description = "the custom allocation webhook (implies --allocation-policy custom)")
    String webhookUrl;

    @Option(names = "--webhook-api-version", paramLabel = "VERSION", order = 33,
            description = "api-version of the custom allocation request (default " + DEFAULT_WEBHOOK_API_VERSION + ")")
    String webhookApiVersion;

    @Option(names = "--disabled", order = 34, description = "provisioning status disabled: devices are refused")
    boolean disabled;

    @Option(names = "--enabled", order = 35, description = "provisioning status enabled (the default of add)")
    boolean enabled;

    @Option(names = "--edge", paramLabel = "true|false", arity = "0..1", fallbackValue = "true", order = 36,
            description = "the devices are IoT Edge devices (--edge=false: they are not)")
    Boolean edge;

    @Option(names = "--reprovision-policy", paramLabel = "POLICY", order = 37,
            description = "reprovisionandmigratedata (the DPS default), reprovisionandresetdata or never")
    String reprovisionPolicy;

    @Option(names = "--initial-twin-file", paramLabel = "FILE", order = 38,
            description = "JSON (or YAML) initial twin: {\"tags\": {...}, \"properties\": {\"desired\": {...}}}")
    Path initialTwinFile;

    @Option(names = "--credential-policy", paramLabel = "NAME", order = 39,
            description = "the server's credential policy that signs certificates the devices request with a CSR"
                    + " (default: the server's issuance.defaultPolicy); --credential-policy '' removes it")
    String credentialPolicy;

    @Option(names = "--file", paramLabel = "FILE", order = 40,
            description = "a whole document, JSON or YAML (.yaml, .yml), as 'show --json' prints it; the other"
                    + " options change it before it is sent")
    Path file;

    /** Whether an option other than {@code --file} was given. */
    boolean anyField() {
        return hubs != null || allocationPolicy != null || webhookUrl != null || webhookApiVersion != null
                || disabled || enabled || edge != null || reprovisionPolicy != null || initialTwinFile != null
                || credentialPolicy != null;
    }

    /** The --file document, or null. */
    ObjectNode fileDocument() {
        return file == null ? null : InputFiles.readObject(file, "--file");
    }

    /** Removes the fields only the server writes. */
    static void stripServerFields(ObjectNode document) {
        SERVER_FIELDS.forEach(document::remove);
    }

    /** Checks every option before anything is sent. */
    void check() {
        if (disabled && enabled) {
            throw new BadInputException("--disabled", "cannot be combined with --enabled");
        }
        if (allocationPolicy != null) {
            allocationPolicyWire();
        }
        if (reprovisionPolicy != null
                && !REPROVISION_POLICIES.containsKey(reprovisionPolicy.toLowerCase(Locale.ROOT))) {
            throw new BadInputException("--reprovision-policy", "'" + reprovisionPolicy
                    + "' is not a policy; expected reprovisionandmigratedata, reprovisionandresetdata or never");
        }
        if (hubs != null) {
            for (String hub : hubs) {
                if (hub.isBlank() || hub.contains("/") || hub.contains(" ")) {
                    throw new BadInputException("--hub", "'" + hub + "' is not a host name");
                }
            }
        }
        if (webhookUrl != null && !webhookUrl.startsWith("https://") && !webhookUrl.startsWith("http://")) {
            throw new BadInputException("--webhook-url", "'" + webhookUrl + "' is not an http(s) URL");
        }
    }

    /** Applies the given options to {@code document} (a fresh or the current document). */
    void apply(ObjectNode document) {
        check();
        if (disabled || enabled) {
            document.put("provisioningStatus", disabled ? "disabled" : "enabled");
        }
        if (edge != null) {
            ObjectNode capabilities = document.get("capabilities") instanceof ObjectNode c ? c
                    : document.putObject("capabilities");
            capabilities.put("iotEdge", edge);
        }
        if (reprovisionPolicy != null) {
            boolean[] policy = REPROVISION_POLICIES.get(reprovisionPolicy.toLowerCase(Locale.ROOT));
            ObjectNode node = document.putObject("reprovisionPolicy");
            node.put("updateHubAssignment", policy[0]);
            node.put("migrateDeviceData", policy[1]);
        }
        if (initialTwinFile != null) {
            document.set("initialTwin", InputFiles.readObject(initialTwinFile, "--initial-twin-file"));
        }
        if (credentialPolicy != null && credentialPolicy.isEmpty()) {
            document.remove("credentialPolicyName");
        } else if (credentialPolicy != null) {
            document.put("credentialPolicyName", credentialPolicy);
        }
        applyAllocation(document);
    }

    private void applyAllocation(ObjectNode document) {
        if (hubs != null) {
            ArrayNode list = document.putArray("iotHubs");
            hubs.forEach(list::add);
            document.remove("iotHubHostName");
        }
        if (allocationPolicy != null) {
            document.put("allocationPolicy", allocationPolicyWire());
        } else if (webhookUrl != null) {
            document.put("allocationPolicy", "custom");
        } else if (hubs != null && !document.hasNonNull("allocationPolicy")) {
            document.put("allocationPolicy", hubs.size() == 1 ? "static" : "hashed");
        }
        if (webhookUrl != null || webhookApiVersion != null) {
            ObjectNode custom = document.get("customAllocationDefinition") instanceof ObjectNode c ? c
                    : document.putObject("customAllocationDefinition");
            if (webhookUrl != null) {
                custom.put("webhookUrl", webhookUrl);
            }
            if (webhookApiVersion != null) {
                custom.put("apiVersion", webhookApiVersion);
            } else if (!custom.hasNonNull("apiVersion")) {
                custom.put("apiVersion", DEFAULT_WEBHOOK_API_VERSION);
            }
            if (!custom.hasNonNull("webhookUrl")) {
                throw new BadInputException("--webhook-api-version", "needs --webhook-url");
            }
        }
        if (hubs == null && allocationPolicy == null && webhookUrl == null) {
            return;
        }
        String policy = document.path("allocationPolicy").asText("");
        JsonNode list = document.path("iotHubs");
        int count = list.isArray() ? list.size() : 0;
        if (policy.equals("static") && count != 1 && !document.hasNonNull("iotHubHostName")) {
            throw new BadInputException(hubs != null ? "--hub" : "--allocation-policy",
                    "allocation policy static needs exactly one --hub, not " + count);
        }
        if (policy.equals("custom") && !document.path("customAllocationDefinition").hasNonNull("webhookUrl")) {
            throw new BadInputException("--allocation-policy", "custom needs --webhook-url");
        }
    }

    private String allocationPolicyWire() {
        String wire = ALLOCATION_POLICIES.get(allocationPolicy.toLowerCase(Locale.ROOT));
        if (wire == null) {
            throw new BadInputException("--allocation-policy", "'" + allocationPolicy
                    + "' is not a policy; expected static, hashed, geoLatency or custom");
        }
        return wire;
    }
}
