package io.dpsemu.protocol.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

/** The DPS error body of every non-2xx device or service response (docs/protocol-notes.md#error-bodies-and-codes). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DpsError(int errorCode, String trackingId, String message, Instant timestampUtc) {

    public static DpsError of(int errorCode, String message) {
        return new DpsError(errorCode, UUID.randomUUID().toString(), message,
                Instant.now().truncatedTo(ChronoUnit.MICROS));
    }

    /** The HTTP (and MQTT response topic) status of this error: DPS codes are status × 1000 + detail. */
    public int httpStatus() {
        return errorCode / 1000;
    }
}
