package io.dpsemu.store.sqlite;

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
 * One kind of document in a table of {@code (id_key, etag, document, index columns...)}. Writes
 * must run inside the caller's write transaction, which makes the If-Match check and the write
 * one step.
 */
final class SqliteTable<T> {

    /** A column kept beside the document so queries need not parse it. */
    record Column<T>(String name, Function<T, String> value) {
    }

    private final DocumentKind<T> kind;
    private final List<Column<T>> columns;
    private final String selectDocument;
    private final String selectEtag;
    private final String upsert;
    private final String delete;
    private final String selectPage;
    private final String selectAll;
    private final String count;

    SqliteTable(String table, DocumentKind<T> kind, List<Column<T>> columns) {
        this.kind = kind;
        this.columns = List.copyOf(columns);
        List<String> names = new ArrayList<>(List.of("id_key", "etag", "document"));
        columns.forEach(column -> names.add(column.name()));
        this.selectDocument = "SELECT document FROM " + table + " WHERE id_key = ?";
        this.selectEtag = "SELECT etag FROM " + table + " WHERE id_key = ?";
        this.upsert = "INSERT INTO " + table + " (" + String.join(", ", names) + ") VALUES ("
                + names.stream().map(name -> "?").collect(Collectors.joining(", ")) + ") ON CONFLICT (id_key) DO UPDATE SET "
                + names.stream().skip(1).map(name -> name + " = excluded." + name).collect(Collectors.joining(", "));
        this.delete = "DELETE FROM " + table + " WHERE id_key = ?";
        // Ids are never empty, so '' is before every key and the first page needs no other query.
        this.selectPage = "SELECT document FROM " + table + " WHERE id_key > ?";
        this.selectAll = "SELECT document FROM " + table + " ORDER BY id_key";
        this.count = "SELECT COUNT(*) FROM " + table;
    }

    Optional<T> find(Connection connection, String id) throws SQLException {
        return Optional.ofNullable(selectDocument(connection, DocumentKind.key(id)));
    }

    T put(Connection connection, T document, String ifMatch) throws SQLException {
        kind.validate(document);
        String key = kind.key(document);
        T existing = selectDocument(connection, key);
        kind.checkIfMatch(ifMatch, existing == null ? null : kind.etag(existing), kind.id(document));
        if (existing == null && kind.isLimited()) {
            kind.checkRoomForNew(count(connection), kind.id(document));
        }
        String json = StoreJson.write(kind.stamp(document, existing, Instant.now()));
        // Returned as read back, so it equals what a later find gives (e.g. JSON number types).
        T stored = StoreJson.read(json, kind.type());
        try (PreparedStatement statement = connection.prepareStatement(upsert)) {
            statement.setString(1, key);
            statement.setString(2, kind.etag(stored));
            statement.setString(3, json);
            for (int i = 0; i < columns.size(); i++) {
                statement.setString(4 + i, columns.get(i).value().apply(stored));
            }
            statement.executeUpdate();
        }
        return stored;
    }

    boolean delete(Connection connection, String id, String ifMatch) throws SQLException {
        String key = DocumentKind.key(id);
        kind.checkIfMatch(ifMatch, selectEtag(connection, key), id);
        try (PreparedStatement statement = connection.prepareStatement(delete)) {
            statement.setString(1, key);
            return statement.executeUpdate() > 0;
        }
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

    private T selectDocument(Connection connection, String key) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(selectDocument)) {
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

    private String selectEtag(Connection connection, String key) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(selectEtag)) {
            statement.setString(1, key);
            try (ResultSet row = statement.executeQuery()) {
                return row.next() ? row.getString(1) : null;
            }
        }
    }
}
