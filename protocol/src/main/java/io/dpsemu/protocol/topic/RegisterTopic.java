package io.dpsemu.protocol.topic;

import java.util.Objects;

/** {@code $dps/registrations/PUT/iotdps-register/?$rid={rid}}. */
public record RegisterTopic(String rid) implements RequestTopic {

    public RegisterTopic {
        Objects.requireNonNull(rid, "rid");
    }
}
