package io.dpsemu.loadgen.flow;

import com.fasterxml.jackson.databind.JsonNode;
import io.dpsemu.protocol.json.DpsJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The two fields of a {@code 200}/{@code 202} body a device acts on (docs/protocol-notes.md#result-bodies), read
 * leniently: a server may add anything.
 *
 * @param status {@code assigning}, {@code assigned}, {@code failed}, {@code disabled} or whatever the server sent
 * @param errorMessage {@code registrationState.errorMessage} (or a top-level {@code message}), or null
 */
record OperationAnswer(String operationId, String status, String errorMessage) {

    /** Empty when the body is not a JSON object with a textual {@code operationId} and {@code status}. */
    static Optional<OperationAnswer> parse(byte[] body) {
        JsonNode root = json(body);
        if (root == null || !root.path("operationId").isTextual() || !root.path("status").isTextual()) {
            return Optional.empty();
        }
        return Optional.of(new OperationAnswer(root.get("operationId").textValue(), root.get("status").textValue(),
                message(root)));
    }

    /** What an error body says: its {@code message}, else the body itself (shortened). */
    static String errorMessage(byte[] body) {
        JsonNode root = json(body);
        String message = root == null ? null : message(root);
        if (message != null) {
            return message;
        }
        String text = new String(body, StandardCharsets.UTF_8);
        return text.length() > 200 ? text.substring(0, 200) + "..." : text;
    }

    private static String message(JsonNode root) {
        JsonNode state = root.path("registrationState").path("errorMessage");
        if (state.isTextual()) {
            return state.textValue();
        }
        JsonNode message = root.path("message");
        return message.isTextual() ? message.textValue() : null;
    }

    private static JsonNode json(byte[] body) {
        try {
            return body.length == 0 ? null : DpsJson.mapper().readTree(body);
        } catch (IOException e) {
            return null;
        }
    }
}
