package io.dpsemu.server.it.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.dpsemu.protocol.json.DpsJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * One answer a device got to a register or a poll, over any transport, in the terms a device judges
 * it by: the status, the retry-after, and the operation's status in the body. A broken connection
 * is an answer too ({@link #lost}), so a device's log shows it.
 *
 * @param status            the HTTP status, or the status of the MQTT response topic; -1 when the
 *                          connection broke instead
 * @param retryAfterSeconds the {@code Retry-After} header or the topic's {@code retry-after}, if any
 */
record Answer(String transport, String request, int status, Integer retryAfterSeconds, JsonNode body) {

    static final int LOST = -1;

    static Answer of(String transport, String request, int status, Integer retryAfterSeconds, byte[] body) {
        JsonNode json;
        try {
            json = body.length == 0 ? MissingNode.getInstance() : DpsJson.mapper().readTree(body);
        } catch (IOException e) {
            throw new AssertionError(transport + " " + request + " answered " + status + " with a body that is not"
                    + " JSON: " + new String(body, StandardCharsets.UTF_8), e);
        }
        return new Answer(transport, request, status, retryAfterSeconds, json);
    }

    static Answer lost(String transport, String request, Exception cause) {
        return new Answer(transport, request, LOST, null,
                DpsJson.mapper().createObjectNode().put("connection", String.valueOf(cause)));
    }

    /** {@code 202} with the operation still {@code assigning} and a retry-after: poll later. */
    boolean assigning() {
        return status == 202 && retryAfterSeconds != null && "assigning".equals(operationStatus());
    }

    /** {@code 200} with the operation {@code assigned}: done. */
    boolean assigned() {
        return status == 200 && "assigned".equals(operationStatus());
    }

    /** {@code 429} or {@code 503} with a retry-after: try the same request again later. */
    boolean retryLater() {
        return (status == 429 || status == 503) && retryAfterSeconds != null && retryAfterSeconds > 0;
    }

    /** {@code 404} for an operation the server no longer knows (it restarted): register again. */
    boolean operationUnknown() {
        return status == 404 && body.path("errorCode").asInt() == 404204;
    }

    boolean connectionLost() {
        return status == LOST;
    }

    /** An answer a device treats as the end of its registration without being assigned (e.g. {@code failed}). */
    boolean finalFailure() {
        return !assigned() && !assigning() && !retryLater() && !operationUnknown() && !connectionLost();
    }

    String operationId() {
        return body.path("operationId").asText(null);
    }

    String operationStatus() {
        return body.path("status").asText(null);
    }

    String hub() {
        return body.path("registrationState").path("assignedHub").asText(null);
    }

    String deviceId() {
        return body.path("registrationState").path("deviceId").asText(null);
    }

    int errorCode() {
        return body.path("errorCode").asInt();
    }

    @Override
    public String toString() {
        return transport + " " + request + " -> " + (status == LOST ? "connection lost" : status)
                + (retryAfterSeconds == null ? "" : " retry-after=" + retryAfterSeconds) + " " + body;
    }
}
