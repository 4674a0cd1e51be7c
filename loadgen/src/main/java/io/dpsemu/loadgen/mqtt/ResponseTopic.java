package io.dpsemu.loadgen.mqtt;

import java.util.Optional;

/**
 * A response topic, {@code {prefix}{status}/?$rid={rid}[&retry-after={seconds}]}
 * (docs/protocol-notes.md#mqtt-topics), read as leniently as the C SDK reads it: parameters in any order,
 * others ignored.
 *
 * @param retryAfterSeconds null when the topic has none (or a value that is not a whole number)
 */
public record ResponseTopic(int status, String rid, Integer retryAfterSeconds) {

    private static final String RID = "$rid=";
    private static final String RETRY_AFTER = "retry-after=";

    /** Empty unless {@code topic} starts with {@code prefix} and has a numeric status and a {@code $rid}. */
    public static Optional<ResponseTopic> parse(String topic, String prefix) {
        if (!topic.startsWith(prefix)) {
            return Optional.empty();
        }
        int slash = topic.indexOf("/?", prefix.length());
        if (slash < 0) {
            return Optional.empty();
        }
        Integer status = WholeNumbers.parse(topic.substring(prefix.length(), slash));
        String rid = null;
        Integer retryAfter = null;
        for (String parameter : topic.substring(slash + 2).split("&")) {
            if (parameter.startsWith(RID)) {
                rid = parameter.substring(RID.length());
            } else if (parameter.startsWith(RETRY_AFTER)) {
                retryAfter = WholeNumbers.parse(parameter.substring(RETRY_AFTER.length()));
            }
        }
        return status == null || rid == null || rid.isEmpty()
                ? Optional.empty()
                : Optional.of(new ResponseTopic(status, rid, retryAfter));
    }

    /** The topic of this response under {@code prefix}, {@code $rid} first as Python and C# need. */
    public String format(String prefix) {
        String topic = prefix + status + "/?" + RID + rid;
        return retryAfterSeconds == null ? topic : topic + "&" + RETRY_AFTER + retryAfterSeconds;
    }
}
