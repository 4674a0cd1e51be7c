package io.dpsemu.loadgen.mqtt;

import io.dpsemu.protocol.topic.DpsTopics;

/**
 * Where a device's responses arrive. A DPS server answers each connection on its own, so every
 * device subscribes to the same filter. A plain MQTT broker would deliver every response to every
 * device subscribed to it, so with {@code dpsemu loadgen responder} behind a broker each device
 * gets a level of its own: {@code $dps/registrations/res/{registrationId}/{status}/?$rid=...}.
 */
public enum TopicLayout {
    DPS,
    BROKER;

    private static final String RESPONSES = "$dps/registrations/res/";

    public String subscribeFilter(String registrationId) {
        return this == DPS ? DpsTopics.SUBSCRIBE_FILTER : RESPONSES + registrationId + "/#";
    }

    /** What precedes {@code {status}/?$rid=...} in a response topic to this device. */
    public String responsePrefix(String registrationId) {
        return this == DPS ? RESPONSES : RESPONSES + registrationId + "/";
    }
}
