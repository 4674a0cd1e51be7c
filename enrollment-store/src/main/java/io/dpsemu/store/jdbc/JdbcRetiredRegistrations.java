package io.dpsemu.store.jdbc;

import io.dpsemu.store.DocumentKind;
import io.dpsemu.store.RegistrationRecord;
import io.dpsemu.store.StoreJson;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/**
 * Retired registration records in the table {@code retired_registration (id_key, document)}, in SQL
 * that SQLite and PostgreSQL both run: the last deleted record of each registration id, kept whole
 * as JSON text. One row per id, replaced by each later delete, so the table holds at most one row
 * per registration id ever deleted; that is its bound, and it needs no limit of its own.
 */
final class JdbcRetiredRegistrations {

    private static final String SELECT_DOCUMENT = "SELECT document FROM retired_registration WHERE id_key = ?";
    private static final String UPSERT = "INSERT INTO retired_registration (id_key, document) VALUES (?, ?)"
            + " ON CONFLICT (id_key) DO UPDATE SET document = excluded.document";

    Optional<RegistrationRecord> find(Connection connection, String registrationId) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(SELECT_DOCUMENT)) {
            statement.setString(1, DocumentKind.key(registrationId));
            try (ResultSet row = statement.executeQuery()) {
                return row.next()
                        ? Optional.of(StoreJson.read(row.getString(1), RegistrationRecord.class))
                        : Optional.empty();
            }
        }
    }

    /** Keeps {@code deleted} as its registration's retired record; call in the transaction that deletes it. */
    void keep(Connection connection, RegistrationRecord deleted) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(UPSERT)) {
            statement.setString(1, DocumentKind.key(deleted.registrationId()));
            statement.setString(2, StoreJson.write(deleted));
            statement.executeUpdate();
        }
    }
}
