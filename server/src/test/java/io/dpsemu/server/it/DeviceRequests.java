package io.dpsemu.server.it;

import io.dpsemu.protocol.auth.DerivedKeys;
import io.dpsemu.protocol.auth.SasTokens;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * The three HTTPS device API requests of a group-enrolled symmetric-key device, spelled as the SDKs
 * spell them (docs/protocol-notes.md#https-device-api). Registration ids used with this class must need no
 * percent-encoding (letters, digits, {@code -}, {@code .}, {@code _}).
 */
public record DeviceRequests(String idScope, String registrationId, String authorization) {

    public static final String API_VERSION = "2019-03-31";

    /**
     * A device of the symmetric-key group whose primary key is {@code groupKey}, with a SAS token valid for an hour.
     */
    public static DeviceRequests ofGroupMember(String idScope, String groupKey, String registrationId) {
        String deviceKey = DerivedKeys.deviceKey(groupKey, registrationId);
        String token = SasTokens.create(idScope + "/registrations/" + registrationId, deviceKey,
                Instant.now().plusSeconds(3600), "registration");
        return new DeviceRequests(idScope, registrationId, token);
    }

    /** {@code PUT}: starts a registration; the answer is {@code 202 assigning} with an operation id. */
    public String registerTarget() {
        return "/" + idScope + "/registrations/" + registrationId + "/register?api-version=" + API_VERSION;
    }

    public byte[] registerBody() {
        return ("{\"registrationId\":\"" + registrationId + "\"}").getBytes(StandardCharsets.UTF_8);
    }

    /** {@code GET}: the status of a registration operation. */
    public String operationTarget(String operationId) {
        return "/" + idScope + "/registrations/" + registrationId + "/operations/" + operationId + "?api-version="
                + API_VERSION;
    }

    /** {@code POST} (with {@link #registerBody()}): the device's registration record. */
    public String lookupTarget() {
        return "/" + idScope + "/registrations/" + registrationId + "?api-version=" + API_VERSION;
    }
}
