package io.dpsemu.server.cli.manage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.dpsemu.protocol.auth.DerivedKeys;
import io.dpsemu.protocol.auth.RegistrationIds;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code dpsemu group derive-key}: the symmetric key a device of a group signs with,
 * base64(HMAC-SHA256(group key, registration id)) (docs/protocol-notes.md#group-keys). With {@code --group-key} it
 * works offline; with a group id it fetches the group key from the server.
 */
@Command(name = "derive-key", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Print the device key of a registration id in a symmetric-key group: offline from"
                + " --group-key, or with the key of the group GROUP_ID fetched from the server.")
final class DeriveKeyCommand extends ServiceSubcommand {

    @Parameters(index = "0", arity = "0..1", paramLabel = "GROUP_ID",
            description = "the enrollment group whose key to fetch (instead of --group-key)")
    String groupId;

    @Option(names = "--group-key", paramLabel = "BASE64", order = 1,
            description = "the group's key; nothing is sent anywhere")
    String groupKey;

    @Option(names = "--registration-id", paramLabel = "ID", required = true, order = 2,
            description = "the device's registration id, exactly as the device sends it")
    String registrationId;

    @Option(names = "--secondary", order = 3, description = "with GROUP_ID: derive from the group's secondary key")
    boolean secondary;

    @Override
    void execute(Output out) {
        if ((groupId == null) == (groupKey == null)) {
            throw new BadInputException("--group-key", groupId == null
                    ? "give the group key, or a GROUP_ID to fetch it from the server"
                    : "cannot be combined with GROUP_ID: give one of them");
        }
        if (secondary && groupId == null) {
            throw new BadInputException("--secondary", "needs GROUP_ID; give the secondary key as --group-key");
        }
        RegistrationIds.problem(registrationId).ifPresent(problem -> {
            throw new BadInputException("--registration-id", problem);
        });
        String key = groupKey != null ? groupKey : fetchGroupKey();
        String deviceKey;
        try {
            deviceKey = DerivedKeys.deviceKey(key, registrationId);
        } catch (IllegalArgumentException e) {
            if (groupKey != null) {
                throw new BadInputException("--group-key", "is not base64");
            }
            throw new ManageException("the key of group '" + groupId + "' is not base64");
        }
        if (json) {
            out.json(JsonNodeFactory.instance.objectNode().put("registrationId", registrationId)
                    .put("deviceKey", deviceKey));
        } else {
            out.line(deviceKey);
        }
    }

    private String fetchGroupKey() {
        JsonNode attestation = client().post(EnrollmentKind.GROUP.attestationPath(groupId),
                JsonNodeFactory.instance.objectNode());
        if (!"symmetricKey".equalsIgnoreCase(attestation.path("type").asText(""))) {
            throw new ManageException("group '" + groupId + "' uses " + attestation.path("type").asText("?")
                    + " attestation, not symmetricKey: its devices have no derived keys");
        }
        String field = secondary ? "secondaryKey" : "primaryKey";
        JsonNode key = attestation.path("symmetricKey").get(field);
        if (key == null || key.isNull() || key.asText().isEmpty()) {
            throw new ManageException("group '" + groupId + "' has no " + field);
        }
        return key.asText();
    }
}
