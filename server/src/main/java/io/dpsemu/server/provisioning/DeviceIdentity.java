package io.dpsemu.server.provisioning;

/**
 * Who a request claims to come from: the id scope and registration id from the MQTT username (or
 * the HTTPS path) and the credential the device presented. Nothing here has been verified yet.
 *
 * @param sasToken the SAS token (MQTT password or HTTP Authorization), or null when none was sent
 */
public record DeviceIdentity(String idScope, String registrationId, String sasToken) {

    /** The SAS resource a token for this device must name. */
    public String sasResource() {
        return idScope + "/registrations/" + registrationId;
    }
}
