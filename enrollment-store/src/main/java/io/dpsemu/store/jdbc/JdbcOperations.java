package io.dpsemu.store.jdbc;

import io.dpsemu.store.DocumentKind;
import io.dpsemu.store.OperationKind;
import io.dpsemu.store.OperationRecord;
import io.dpsemu.store.StoreJson;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;

/**
 * Operations in the table {@code operation (operation_id, registration_key, updated_at, document)},
 * in SQL that SQLite and PostgreSQL both run. Like {@link JdbcTable}, a write reads the existing row
 * (locked where writers run concurrently) so that a replace keeps its creation time, and a create
 * that loses a race to another create of the same id is retried as a replace ({@link RowWrites}).
 */
final class JdbcOperations {

    private static final long MICROS_PER_SECOND = 1_000_000L;
    private static final int NANOS_PER_MICRO = 1_000;

    private final String selectDocument = "SELECT document FROM operation WHERE operation_id = ?";
    private final String selectDocumentForWrite;
    private final String insert = "INSERT INTO operation (operation_id, registration_key, updated_at, document)"
            + " VALUES (?, ?, ?, ?) ON CONFLICT (operation_id) DO NOTHING";
    private final String update = "UPDATE operation SET registration_key = ?, updated_at = ?, document = ?"
            + " WHERE operation_id = ?";
    private final String deleteUpdatedBefore = "DELETE FROM operation WHERE updated_at < ?";

    JdbcOperations(boolean lockRowsForWrite) {
        this.selectDocumentForWrite = selectDocument + (lockRowsForWrite ? " FOR UPDATE" : "");
    }

    Optional<OperationRecord> find(Connection connection, String operationId) throws SQLException {
        return Optional.ofNullable(selectDocument(connection, selectDocument, OperationKind.key(operationId)));
    }

    void put(Connection connection, OperationRecord operation) throws SQLException {
        OperationKind.validate(operation);
        String key = OperationKind.key(operation.operationId());
        RowWrites.untilWritten(() -> "operation '" + key + "'", () -> {
            OperationRecord existing = selectDocument(connection, selectDocumentForWrite, key);
            OperationRecord stored = OperationKind.stamp(operation, existing, Instant.now());
            String json = StoreJson.write(stored);
            try (PreparedStatement statement = connection.prepareStatement(existing != null ? update : insert)) {
                int parameter = 1;
                if (existing == null) {
                    statement.setString(parameter++, key);
                }
                statement.setString(parameter++, DocumentKind.key(stored.registrationId()));
                statement.setLong(parameter++, epochMicros(stored.lastUpdatedDateTimeUtc(), false));
                statement.setString(parameter++, json);
                if (existing != null) {
                    statement.setString(parameter, key);
                }
                return statement.executeUpdate() > 0 ? stored : null;
            }
        });
    }

    int deleteUpdatedBefore(Connection connection, Instant cutoff) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(deleteUpdatedBefore)) {
            // Stored times are whole microseconds: t < cutoff exactly when t < cutoff rounded up.
            statement.setLong(1, epochMicros(OperationKind.requireCutoff(cutoff), true));
            return statement.executeUpdate();
        }
    }

    /** Microseconds since the epoch, rounded down or up; saturated for instants beyond what a long holds. */
    static long epochMicros(Instant instant, boolean roundUp) {
        try {
            long micros = Math.addExact(Math.multiplyExact(instant.getEpochSecond(), MICROS_PER_SECOND),
                    instant.getNano() / NANOS_PER_MICRO);
            return roundUp && instant.getNano() % NANOS_PER_MICRO != 0 ? Math.addExact(micros, 1) : micros;
        } catch (ArithmeticException e) {
            return instant.getEpochSecond() < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
    }

    private static OperationRecord selectDocument(Connection connection, String sql, String key) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, key);
            try (ResultSet row = statement.executeQuery()) {
                return row.next() ? StoreJson.read(row.getString(1), OperationRecord.class) : null;
            }
        }
    }
}
