package io.dpsemu.protocol.topic;

import java.util.Objects;

/**
 * {@code $dps/registrations/GET/iotdps-get-operationstatus/?$rid={rid}&operationId={operationId}}.
 *
 * @param operationId percent-decoded (Python encodes it)
 */
public record StatusTopic(String rid, String operationId) implements RequestTopic {

    public StatusTopic {
        Objects.requireNonNull(rid, "rid");
        Objects.requireNonNull(operationId, "operationId");
    }
}
