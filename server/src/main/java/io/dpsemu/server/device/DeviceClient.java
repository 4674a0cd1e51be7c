package io.dpsemu.server.device;

import io.dpsemu.protocol.Transport;

/**
 * How a device talks to the server: the transport it came in on and the {@code api-version} it
 * asked for (MQTT username or HTTPS query).
 */
public record DeviceClient(Transport transport, String apiVersion) {

    /**
     * The api-version that brought substatus {@code reprovisionedToInitialAssignment}; DPS tells
     * devices on older versions (Java, Node, Python, C# and embedded C send 2019-03-31, and C#'s enum
     * lacks the value) {@code initialAssignment} instead.
     */
    static final String REPROVISIONED_SUBSTATUS_SINCE = "2019-04-15";

    /**
     * Whether the device may be told {@code reprovisionedToInitialAssignment}; api-versions are dates, so they sort as
     * text.
     */
    public boolean knowsReprovisionedSubstatus() {
        return since(REPROVISIONED_SUBSTATUS_SINCE);
    }

    /** The api-version that brought the register body's {@code csr} and {@code issuedCertificateChain}. */
    public static final String CERTIFICATE_ISSUANCE_SINCE = "2025-07-01-preview";

    /** Whether the device's api-version has certificate issuance; with an older one a {@code csr} is not read. */
    public boolean mayRequestCertificate() {
        return since(CERTIFICATE_ISSUANCE_SINCE);
    }

    private boolean since(String version) {
        return apiVersion != null && apiVersion.compareTo(version) >= 0;
    }
}
