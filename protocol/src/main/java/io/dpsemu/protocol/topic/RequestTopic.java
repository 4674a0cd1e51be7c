package io.dpsemu.protocol.topic;

/** A device request topic, parsed by {@link DpsTopics#parse}. */
public sealed interface RequestTopic permits RegisterTopic, StatusTopic {

    /** The request id exactly as the device sent it, to be echoed in the response topic. */
    String rid();
}
