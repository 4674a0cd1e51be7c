package io.dpsemu.store;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * The rules every store implementation applies to {@link OperationRecord}s, as {@link DocumentKind}
 * does for the other documents: what a written operation must satisfy and the timestamps the store
 * owns. Operation ids are opaque and exact: unlike the other ids they are not lower-cased.
 */
public final class OperationKind {

    private OperationKind() {
    }

    /** The lookup key of an operation id: the id itself. */
    public static String key(String operationId) {
        if (operationId == null || operationId.isBlank()) {
            throw new IllegalArgumentException("an operation id is required");
        }
        return operationId;
    }

    /**
     * Checks what the store itself requires of an operation being written.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public static void validate(OperationRecord operation) {
        if (operation == null) {
            throw new IllegalArgumentException("operation is required");
        }
        key(operation.operationId());
        if (operation.registrationId() == null || operation.registrationId().isBlank()) {
            throw new IllegalArgumentException("operation '" + operation.operationId() + "' has no registration id");
        }
        if (operation.status() == null) {
            throw new IllegalArgumentException("operation '" + operation.operationId() + "' has no status");
        }
    }

    /** @throws IllegalArgumentException when {@code cutoff} is null */
    public static Instant requireCutoff(Instant cutoff) {
        if (cutoff == null) {
            throw new IllegalArgumentException("a cutoff time is required");
        }
        return cutoff;
    }

    /**
     * The operation as stored when written at {@code writtenAt} over {@code existing} ({@code null}
     * when new). Timestamps keep at most microseconds, as for every document. The creation time is
     * the existing operation's, else the operation's own, else now; the update time is now, but
     * always after the existing one's, so that every write moves it even within one microsecond or
     * when another node's clock is behind.
     */
    public static OperationRecord stamp(OperationRecord operation, OperationRecord existing, Instant writtenAt) {
        Instant now = writtenAt.truncatedTo(ChronoUnit.MICROS);
        Instant createdAt;
        Instant updatedAt = now;
        if (existing != null) {
            createdAt = existing.createdDateTimeUtc();
            Instant previous = existing.lastUpdatedDateTimeUtc();
            if (previous != null && !updatedAt.isAfter(previous)) {
                updatedAt = previous.plus(1, ChronoUnit.MICROS);
            }
        } else if (operation.createdDateTimeUtc() != null) {
            createdAt = operation.createdDateTimeUtc().truncatedTo(ChronoUnit.MICROS);
        } else {
            createdAt = now;
        }
        return operation.withStoreFields(createdAt, updatedAt);
    }
}
