package io.dpsemu.loadgen.flow;

import com.fasterxml.jackson.databind.JsonNode;
import io.dpsemu.loadgen.mqtt.TopicLayout;
import java.time.Duration;
import java.util.Objects;

/**
 * What every flow of a run shares.
 *
 * @param hold whether MQTT sessions stay open and idle after SUBSCRIBE instead of registering
 * @param timeout how long a flow may take from its start to its final answer (or to being held)
 * @param payload the {@code payload} of every register request, or null to send none
 */
public record FlowSettings(String idScope, PollPacing pacing, TopicLayout layout, boolean hold, Duration timeout,
        JsonNode payload) {

    /** The MQTT username's api-version, as all SDKs but C send it. */
    public static final String MQTT_API_VERSION = "2019-03-31";
    /** The HTTPS api-version of the C SDK and of DPS's own curl examples. */
    public static final String HTTPS_API_VERSION = "2021-06-01";
    /**
     * The api-version of certificate issuance, on both transports: a device that sends a {@code csr} uses it, as
     * the SDKs' preview branches do (docs/protocol-notes.md#api-versions).
     */
    public static final String CSR_API_VERSION = "2025-07-01-preview";
    public static final String CLIENT_VERSION = "dpsemu-loadgen";

    public FlowSettings {
        Objects.requireNonNull(idScope, "idScope");
        Objects.requireNonNull(pacing, "pacing");
        Objects.requireNonNull(layout, "layout");
        Objects.requireNonNull(timeout, "timeout");
    }

    /** Settings of flows that send no payload, as a load run's. */
    public FlowSettings(String idScope, PollPacing pacing, TopicLayout layout, boolean hold, Duration timeout) {
        this(idScope, pacing, layout, hold, timeout, null);
    }
}
