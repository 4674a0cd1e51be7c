package io.dpsemu.protocol.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.dpsemu.protocol.DpsProtocolException;
import io.dpsemu.protocol.model.DeviceRegistration;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Locale;

/** The one JSON configuration of dpsemu, for device bodies and service-API documents alike. */
public final class DpsJson {

    private static final ObjectMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
                    // Bodies come from untrusted devices: bound what one body can make the parser do.
                    .streamReadConstraints(StreamReadConstraints.builder()
                            .maxNestingDepth(64)
                            .maxStringLength(256 * 1024)
                            .maxNumberLength(64)
                            .maxDocumentLength(1024 * 1024)
                            .build())
                    .build())
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            // Two values for one field would leave it open which one the server acted on.
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            // Node parses response bodies as ASCII.
            .enable(JsonWriteFeature.ESCAPE_NON_ASCII)
            .build();

    private DpsJson() {
    }

    /** The shared mapper. Do not reconfigure it: every module relies on this exact configuration. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /** UTF-8 JSON of {@code value}; every character outside ASCII is {@code \\u}-escaped. */
    public static byte[] write(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @throws DpsProtocolException when {@code body} is not JSON of the shape of {@code type} */
    public static <T> T read(byte[] body, Class<T> type) {
        try {
            return MAPPER.readValue(body == null ? new byte[0] : body, type);
        } catch (IOException e) {
            throw invalid(type, e);
        }
    }

    /** @throws DpsProtocolException when {@code body} is not JSON of the shape of {@code type} */
    public static <T> T read(String body, Class<T> type) {
        try {
            return MAPPER.readValue(body == null ? "" : body, type);
        } catch (IOException e) {
            throw invalid(type, e);
        }
    }

    /**
     * A parsed JSON object bound to {@code type}, with {@link #read}'s error messages.
     *
     * @throws DpsProtocolException when a field has the wrong shape, naming its path
     */
    public static <T> T convert(JsonNode node, Class<T> type) {
        try {
            return MAPPER.treeToValue(node, type);
        } catch (IOException e) {
            throw invalid(type, e);
        } catch (IllegalArgumentException e) {
            throw new DpsProtocolException("body is not valid JSON for " + type.getSimpleName() + ": "
                    + e.getMessage(), e);
        }
    }

    /**
     * Reads a register (or poll) body in every form the SDKs send
     * (docs/protocol-notes.md#register-and-poll-bodies): an empty or blank body is
     * {@link DeviceRegistration#EMPTY}; a {@code payload} that is a string holding a JSON object
     * (Java SDK) becomes that object; any other {@code payload} is kept as is.
     *
     * @throws DpsProtocolException when the body is not a JSON object or a field has the wrong type
     */
    public static DeviceRegistration readDeviceRegistration(byte[] body) {
        if (isBlank(body)) {
            return DeviceRegistration.EMPTY;
        }
        JsonNode root;
        try {
            root = MAPPER.readTree(body);
        } catch (IOException e) {
            throw invalid(DeviceRegistration.class, e);
        }
        if (!root.isObject()) {
            throw new DpsProtocolException("register body must be a JSON object, got " + describe(root));
        }
        return new DeviceRegistration(text(root, "registrationId"),
                payload(present(root.get("payload"))), present(root.get("tpm")), text(root, "csr"));
    }

    /** A string field of the register body; anything else there is bad input naming the field. */
    private static String text(JsonNode root, String field) {
        JsonNode node = present(root.get(field));
        if (node != null && !node.isTextual()) {
            throw new DpsProtocolException("register body field '" + field + "' must be a string, got "
                    + describe(node));
        }
        return node == null ? null : node.textValue();
    }

    private static JsonNode payload(JsonNode payload) {
        if (payload == null || !payload.isTextual()) {
            return payload;
        }
        try {
            JsonNode parsed = MAPPER.readTree(payload.textValue());
            return parsed != null && parsed.isObject() ? parsed : payload;
        } catch (IOException e) {
            return payload;
        }
    }

    /** Null for an absent field and for an explicit JSON null alike. */
    private static JsonNode present(JsonNode node) {
        return node == null || node.isNull() ? null : node;
    }

    /** Whether a body is empty or only JSON whitespace. */
    public static boolean isBlank(byte[] body) {
        if (body == null) {
            return true;
        }
        for (byte b : body) {
            if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
                return false;
            }
        }
        return true;
    }

    /** What kind of JSON value {@code node} is, for messages: "null", "an array", "an object", "a string"... */
    public static String describe(JsonNode node) {
        return switch (node.getNodeType()) {
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            case NULL -> "null";
            default -> "a " + node.getNodeType().name().toLowerCase(Locale.ROOT);
        };
    }

    private static DpsProtocolException invalid(Class<?> type, IOException e) {
        if (e instanceof StreamConstraintsException) {
            return new DpsProtocolException("body exceeds a size limit: " + originalMessage(e), e);
        }
        String path = e instanceof JsonMappingException m ? path(m) : "";
        return new DpsProtocolException("body is not valid JSON for " + type.getSimpleName()
                + (path.isEmpty() ? "" : " at '" + path + "'") + ": " + originalMessage(e), e);
    }

    private static String originalMessage(IOException e) {
        return e instanceof JsonProcessingException p ? p.getOriginalMessage() : e.getMessage();
    }

    /** The JSON path of a mapping error, like {@code registrationState.errorCode} or {@code iotHubs[2]}. */
    private static String path(JsonMappingException e) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                sb.append(sb.length() == 0 ? "" : ".").append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                sb.append('[').append(ref.getIndex()).append(']');
            }
        }
        return sb.toString();
    }
}
