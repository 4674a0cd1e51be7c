package io.dpsemu.protocol.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * The body a device sends with a register request. Every field is optional: C# and embedded-C
 * samples send an empty body, Python sends {@code "payload":null}, Java sends the payload as a JSON
 * string (docs/protocol-notes.md#register-and-poll-bodies).
 * {@link io.dpsemu.protocol.json.DpsJson#readDeviceRegistration} normalises those forms.
 * {@code csr} (api-version 2025-07-01-preview and later) is a certificate signing request: base64 of a
 * DER PKCS#10 without PEM armour, whose CN is the registration id.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record DeviceRegistration(String registrationId, JsonNode payload, JsonNode tpm, String csr) {

    public static final DeviceRegistration EMPTY = new DeviceRegistration(null, null, null, null);
}
