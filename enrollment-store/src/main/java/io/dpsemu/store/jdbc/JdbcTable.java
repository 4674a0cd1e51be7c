package io.dpsemu.store.jdbc;

import io.dpsemu.store.DocumentKind;
import io.dpsemu.store.Page;
import io.dpsemu.store.Paging;
import io.dpsemu.store.StoreJson;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * One kind of document in a table of {@code (id_key, etag, document, index columns...)}, in SQL
 * that SQLite and PostgreSQL both run. Writes must run inside the caller's write transaction, which
 * makes the If-Match check and the write one step: where writers run concurrently
 * ({@link JdbcDatabase#writersRunConcurrently()}) the row is read {@code FOR UPDATE}, so that the
 * check holds until commit.
 *
 * <p>A kind with a count limit additionally needs its writers serialised by the caller (the store
 * locks its version row first), since a count cannot lock the rows that are not there yet.
 */
final class JdbcTable<T> {

    /** A column kept beside the document so queries need not parse it. */
    record Column<T>(String name, Function<T, String> value) {
    }

    private final String table;
    private final DocumentKind<T> kind;
    private final List<Column<T>> columns;
    private final String selectDocument;
    private final String selectDocumentForWrite;
    private final String insert;
    private final String update;
    private final String delete;
    private final String selectPage;
    private final String selectAll;
    private final String count;

    JdbcTable(String table, DocumentKind<T> kind, List<Column<T>> columns, boolean lockRowsForWrite) {
        this.table = table;
        this.kind = kind;
        this.columns = List.copyOf(columns);
        String lock = lockRowsForWrite ? " FOR UPDATE" : "";
        List<String> written = new ArrayList<>(List.of("etag", "document"));
        columns.forEach(column -> written.add(column.name()));
        this.selectDocument = "SELECT document FROM " + table + " WHERE id_key = ?";
        this.selectDocumentForWrite = selectDocument + lock;
        // DO NOTHING rather than an error: a concurrent create of the same id is retried as a replace.
        this.insert = "INSERT INTO " + table + " (id_key, " + String.join(", ", written) + ") VALUES (?, "
                + written.stream().map(name -> "?").collect(Collectors.joining(", "))
                + ") ON CONFLICT (id_key) DO NOTHING";
        this.update = "UPDATE " + table + " SET "
                + written.stream().map(name -> name + " = ?").collect(Collectors.joining(", ")) + " WHERE id_key = ?";
        this.delete = "DELETE FROM " + table + " WHERE id_key = ?";
        // Ids are never empty, so '' is before every key and the first page needs no other query.
        this.selectPage = "SELECT document FROM " + table + " WHERE id_key > ?";
        this.selectAll = "SELECT document FROM " + table + " ORDER BY id_key";
        this.count = "SELECT COUNT(*) FROM " + table;
    }

    Optional<T> find(Connection connection, String id) throws SQLException {
        return Optional.ofNullable(selectDocument(connection, selectDocument, DocumentKind.key(id)));
    }

    /**
     * Creates or replaces the document. A replace keeps the existing creation time, also when the
     * existing document was created by a concurrent transaction after this one looked (the loser of
     * two concurrent creates replaces the winner's document).
     */
    T put(Connection connection, T document, String ifMatch) throws SQLException {
        kind.validate(document);
        String key = kind.key(document);
        return RowWrites.untilWritten(() -> table + " '" + kind.id(document) + "'", () -> {
            T existing = selectDocument(connection, selectDocumentForWrite, key);
            kind.checkIfMatch(ifMatch, existing == null ? null : kind.etag(existing), kind.id(document));
            if (existing == null && kind.isLimited()) {
                kind.checkRoomForNew(count(connection), kind.id(document));
            }
            String json = StoreJson.write(kind.stamp(document, existing, Instant.now()));
            // Returned as read back, so it equals what a later find gives (e.g. JSON number types).
            T stored = StoreJson.read(json, kind.type());
            boolean written = existing != null ? update(connection, key, stored, json)
                    : insert(connection, key, stored, json);
            return written ? stored : null;
        });
    }

    /**
     * Deletes the document. It is read (locked where writers run concurrently) before the delete,
     * so what is returned is exactly what was deleted.
     *
     * @return the deleted document; empty when there was none
     */
    Optional<T> delete(Connection connection, String id, String ifMatch) throws SQLException {
        String key = DocumentKind.key(id);
        T existing = selectDocument(connection, selectDocumentForWrite, key);
        kind.checkIfMatch(ifMatch, existing == null ? null : kind.etag(existing), id);
        if (existing == null) {
            return Optional.empty();
        }
        try (PreparedStatement statement = connection.prepareStatement(delete)) {
            statement.setString(1, key);
            statement.executeUpdate();
        }
        return Optional.of(existing);
    }

    /** Every document, in key order: only for kinds the store keeps few of. */
    List<T> all(Connection connection) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(selectAll);
             ResultSet rows = statement.executeQuery()) {
            List<T> documents = new ArrayList<>();
            while (rows.next()) {
                documents.add(StoreJson.read(rows.getString(1), kind.type()));
            }
            return documents;
        }
    }

    /** @param filterColumn a column to match {@code filterValue} against, or {@code null} for all rows */
    Page<T> list(Connection connection, String continuation, int maxItems, String filterColumn, String filterValue)
            throws SQLException {
        int pageSize = Paging.pageSize(maxItems);
        String after = Paging.keyAfter(continuation);
        String sql = selectPage + (filterColumn == null ? "" : " AND " + filterColumn + " = ?")
                + " ORDER BY id_key LIMIT ?";
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            int parameter = 1;
            statement.setString(parameter++, after == null ? "" : after);
            if (filterColumn != null) {
                statement.setString(parameter++, filterValue);
            }
            statement.setInt(parameter, pageSize + 1);
            List<T> fetched = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    fetched.add(StoreJson.read(rows.getString(1), kind.type()));
                }
            }
            return Paging.page(fetched, pageSize, kind::key);
        }
    }

    /** @return false when the row exists already: a concurrent create got there first */
    private boolean insert(Connection connection, String key, T stored, String json) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(insert)) {
            statement.setString(1, key);
            bindWritten(statement, 2, stored, json);
            return statement.executeUpdate() > 0;
        }
    }

    /**
     * @return false only if the row is gone, which the row lock (or the single writer) rules out; then put tries again
     */
    private boolean update(Connection connection, String key, T stored, String json) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(update)) {
            int next = bindWritten(statement, 1, stored, json);
            statement.setString(next, key);
            return statement.executeUpdate() > 0;
        }
    }

    /** Binds etag, document and the index columns from parameter {@code first} on; returns the next index. */
    private int bindWritten(PreparedStatement statement, int first, T stored, String json) throws SQLException {
        int parameter = first;
        statement.setString(parameter++, kind.etag(stored));
        statement.setString(parameter++, json);
        for (Column<T> column : columns) {
            statement.setString(parameter++, column.value().apply(stored));
        }
        return parameter;
    }

    private T selectDocument(Connection connection, String sql, String key) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, key);
            try (ResultSet row = statement.executeQuery()) {
                return row.next() ? StoreJson.read(row.getString(1), kind.type()) : null;
            }
        }
    }

    private long count(Connection connection) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(count);
             ResultSet row = statement.executeQuery()) {
            row.next();
            return row.getLong(1);
        }
    }
}
