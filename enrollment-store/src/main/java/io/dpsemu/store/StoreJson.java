package io.dpsemu.store;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/** The JSON form in which stores keep documents. */
public final class StoreJson {

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            // Absent rather than null, so a null JsonNode field reads back as null, not as NullNode.
            .setDefaultPropertyInclusion(JsonInclude.Include.NON_NULL)
            // A document written by a newer version must still read after a downgrade.
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private StoreJson() {
    }

    public static String write(Object document) {
        try {
            return MAPPER.writeValueAsString(document);
        } catch (JsonProcessingException e) {
            throw new StoreException("cannot serialise " + document.getClass().getSimpleName() + ": "
                    + e.getOriginalMessage(), e);
        }
    }

    public static <T> T read(String json, Class<T> type) {
        try {
            return MAPPER.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new StoreException("stored " + type.getSimpleName() + " is unreadable: " + e.getOriginalMessage(), e);
        }
    }

    /** A deep copy, exactly as a write followed by a read would give it. */
    public static <T> T copy(T document, Class<T> type) {
        return read(write(document), type);
    }
}
