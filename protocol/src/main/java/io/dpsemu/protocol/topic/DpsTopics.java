package io.dpsemu.protocol.topic;

import io.dpsemu.protocol.PercentEncoding;
import java.util.Optional;

/** The DPS MQTT topics (docs/protocol-notes.md#mqtt-topics). Parsing and formatting sit on the per-request hot path. */
public final class DpsTopics {

    public static final String SUBSCRIBE_FILTER = "$dps/registrations/res/#";
    public static final String REGISTER_PREFIX = "$dps/registrations/PUT/iotdps-register/";
    public static final String STATUS_PREFIX = "$dps/registrations/GET/iotdps-get-operationstatus/";

    private static final String RESPONSE_PREFIX = "$dps/registrations/res/";
    /** Python and C# need {@code $rid} right after the status, and as the first parameter. */
    private static final String RID_PARAMETER = "/?$rid=";
    private static final String RETRY_AFTER_PARAMETER = "&retry-after=";
    private static final String RID = "$rid";
    /** Far above any SDK's (a UUID is 36 characters, a percent-encoded one 36 too). */
    static final int MAX_RID_LENGTH = 128;
    private static final String OPERATION_ID = "operationId";

    private DpsTopics() {
    }

    /**
     * Empty unless {@code topic} is a register topic with a {@code $rid} or a status topic with a
     * {@code $rid} and an {@code operationId}. Parameters may come in any order; others are ignored.
     */
    public static Optional<RequestTopic> parse(String topic) {
        if (topic == null || hasForbiddenCharacter(topic)) {
            return Optional.empty();
        }
        if (topic.startsWith(REGISTER_PREFIX)) {
            String rid = parameter(topic, REGISTER_PREFIX.length(), RID);
            return isEchoable(rid) ? Optional.of(new RegisterTopic(rid)) : Optional.empty();
        }
        if (topic.startsWith(STATUS_PREFIX)) {
            String rid = parameter(topic, STATUS_PREFIX.length(), RID);
            String operationId = parameter(topic, STATUS_PREFIX.length(), OPERATION_ID);
            return !isEchoable(rid) || operationId == null
                    ? Optional.empty()
                    : Optional.of(new StatusTopic(rid, decodeOrRaw(operationId)));
        }
        return Optional.empty();
    }

    /**
     * {@code $dps/registrations/res/{status}/?$rid={rid}}, plus {@code &retry-after={n}} when
     * {@code retryAfterSeconds} is not null.
     */
    public static String response(int status, String rid, Integer retryAfterSeconds) {
        if (retryAfterSeconds == null) {
            return RESPONSE_PREFIX + status + RID_PARAMETER + rid;
        }
        if (retryAfterSeconds < 0) {
            throw new IllegalArgumentException("retry-after must not be negative, got " + retryAfterSeconds);
        }
        return RESPONSE_PREFIX + status + RID_PARAMETER + rid + RETRY_AFTER_PARAMETER + retryAfterSeconds;
    }

    /**
     * A {@code $rid} goes back verbatim into the response topic, so it must not be able to change
     * that topic's shape for any SDK's parser: integers, UUIDs and percent-encoded values pass,
     * separators ({@code /}, {@code $}, {@code ?}) and long values do not.
     */
    private static boolean isEchoable(String rid) {
        if (rid == null || rid.length() > MAX_RID_LENGTH) {
            return false;
        }
        for (int i = 0; i < rid.length(); i++) {
            char c = rid.charAt(i);
            boolean allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '.' || c == '_' || c == '~' || c == '%';
            if (!allowed) {
                return false;
            }
        }
        return true;
    }

    /** Wildcards are illegal in a PUBLISH topic name and would break C#'s decoder if echoed back. */
    private static boolean hasForbiddenCharacter(String topic) {
        return topic.indexOf('+') >= 0 || topic.indexOf('#') >= 0 || topic.indexOf('\u0000') >= 0;
    }

    /**
     * The raw, non-empty value of {@code name} in the query that must start with {@code ?} at
     * {@code queryStart}; null when there is no such query or parameter. The first occurrence wins.
     */
    private static String parameter(String topic, int queryStart, String name) {
        if (topic.length() <= queryStart || topic.charAt(queryStart) != '?') {
            return null;
        }
        int start = queryStart + 1;
        while (start < topic.length()) {
            int end = topic.indexOf('&', start);
            if (end < 0) {
                end = topic.length();
            }
            int valueStart = start + name.length() + 1;
            if (valueStart <= end && topic.startsWith(name, start) && topic.charAt(valueStart - 1) == '=') {
                return valueStart < end ? topic.substring(valueStart, end) : null;
            }
            start = end + 1;
        }
        return null;
    }

    private static String decodeOrRaw(String value) {
        try {
            return PercentEncoding.decode(value);
        } catch (IllegalArgumentException e) {
            return value;
        }
    }
}
