package io.dpsemu.protocol.faults;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A fault rule as written in the configuration ({@code faults:}) and sent to {@code POST /dpsemu/faults}:
 * every field optional, checked by {@link FaultRuleChecks#check}. Match: {@code registrationId},
 * {@code enrollmentGroupId}, {@code individual}, {@code transports}, {@code kinds}. Trigger:
 * {@code probability} or {@code everyNth}. Action, exactly one: {@code status} (with {@code errorCode},
 * {@code retryAfterSeconds}, {@code message}), {@code delayMillis}, {@code drop}, {@code failOperation}
 * (with {@code message}). Expiry: {@code maxHits}, {@code expiresAfterSeconds}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FaultRuleSpec(
        String registrationId,
        String enrollmentGroupId,
        Boolean individual,
        List<String> transports,
        List<String> kinds,
        Double probability,
        Integer everyNth,
        Integer status,
        Integer errorCode,
        Integer retryAfterSeconds,
        String message,
        Long delayMillis,
        Boolean drop,
        Integer failOperation,
        Integer maxHits,
        Long expiresAfterSeconds) {

    /** Strict where the shared device mapper is lenient: a misspelt field must not silently widen a rule. */
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    /**
     * @throws InvalidFaultRuleException naming the field when a field is unknown or has the wrong type
     * @throws IllegalArgumentException  when the body is not a JSON object
     */
    public static FaultRuleSpec fromJson(byte[] body) {
        try {
            FaultRuleSpec spec = JSON.readValue(body, FaultRuleSpec.class);
            if (spec == null) {
                throw new IllegalArgumentException("the body must be a JSON object describing one fault rule");
            }
            return spec;
        } catch (UnrecognizedPropertyException e) {
            throw new InvalidFaultRuleException(e.getPropertyName(), "unknown field");
        } catch (JsonMappingException e) {
            String field = e.getPath().stream()
                    .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                    .collect(Collectors.joining(".")).replace(".[", "[");
            if (field.isEmpty()) {
                throw new IllegalArgumentException("the body must be a JSON object describing one fault rule: "
                        + e.getOriginalMessage(), e);
            }
            throw new InvalidFaultRuleException(field, e.getOriginalMessage());
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("the body is not JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the body: " + e.getMessage(), e);
        }
    }

    /** The rule as JSON, fields left out omitted: what logs show. */
    @Override
    public String toString() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
