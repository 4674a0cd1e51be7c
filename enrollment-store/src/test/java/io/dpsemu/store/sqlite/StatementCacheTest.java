package io.dpsemu.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StatementCacheTest {

    private static final String SELECT = "SELECT v FROM t WHERE k = ?";
    private static final String INSERT = "INSERT INTO t (k, v) VALUES (?, ?)";

    @TempDir
    Path dir;
    private Connection raw;
    private Connection cached;

    @BeforeEach
    void open() throws SQLException {
        raw = SqliteDatabase.connect(dir.resolve("cache.db"));
        try (Statement statement = raw.createStatement()) {
            statement.execute("CREATE TABLE t (k TEXT PRIMARY KEY, v TEXT)");
            statement.execute("INSERT INTO t VALUES ('a', '1'), ('b', '2')");
        }
        cached = StatementCache.wrap(raw, 2);
    }

    @AfterEach
    void close() throws SQLException {
        cached.close();
    }

    @Test
    void aStatementClosedAndPreparedAgainIsTheSameCompiledStatement() throws SQLException {
        PreparedStatement first = cached.prepareStatement(SELECT);
        PreparedStatement underlying = first.unwrap(PreparedStatement.class);
        assertThat(read(first, "a")).isEqualTo("1");
        first.close();

        PreparedStatement second = cached.prepareStatement(SELECT);
        assertThat(second.unwrap(PreparedStatement.class)).isSameAs(underlying);
        assertThat(read(second, "b")).isEqualTo("2");
        second.close();
    }

    @Test
    void closingClearsTheParametersOfTheKeptStatement() throws SQLException {
        try (PreparedStatement insert = cached.prepareStatement(INSERT)) {
            insert.setString(1, "c");
            insert.setString(2, "3");
            insert.executeUpdate();
        }
        try (PreparedStatement insert = cached.prepareStatement(INSERT)) {
            insert.setString(1, "d");
            // the value left unbound is NULL, not the '3' of the previous use
            insert.executeUpdate();
        }
        assertThat(readOnce("d")).isNull();
    }

    @Test
    void aNestedUseOfTheSameSqlGetsAStatementOfItsOwn() throws SQLException {
        try (PreparedStatement outer = cached.prepareStatement("SELECT k FROM t ORDER BY k");
             ResultSet keys = outer.executeQuery()) {
            StringBuilder seen = new StringBuilder();
            while (keys.next()) {
                try (PreparedStatement inner = cached.prepareStatement("SELECT k FROM t ORDER BY k")) {
                    assertThat(inner.unwrap(PreparedStatement.class))
                            .isNotSameAs(outer.unwrap(PreparedStatement.class));
                    try (ResultSet all = inner.executeQuery()) {
                        all.next();
                    }
                }
                seen.append(keys.getString(1));
            }
            assertThat(seen).hasToString("ab");
        }
    }

    @Test
    void aKeptReadStatementDoesNotHoldAnOldSnapshot() throws SQLException {
        Connection writer = SqliteDatabase.connect(dir.resolve("cache.db"));
        try (writer) {
            assertThat(readOnce("a")).isEqualTo("1");
            try (Statement statement = writer.createStatement()) {
                statement.execute("UPDATE t SET v = '9' WHERE k = 'a'");
            }
            assertThat(readOnce("a")).isEqualTo("9");
            // a reader holding a snapshot would keep the WAL from being checkpointed completely
            try (Statement statement = writer.createStatement();
                 ResultSet checkpoint = statement.executeQuery("PRAGMA wal_checkpoint(TRUNCATE)")) {
                checkpoint.next();
                assertThat(checkpoint.getInt(1)).as("checkpoint blocked").isZero();
            }
        }
    }

    @Test
    void aStatementThatFailedIsPreparedAfreshAndWorks() throws SQLException {
        PreparedStatement failing = cached.prepareStatement(INSERT);
        PreparedStatement underlying = failing.unwrap(PreparedStatement.class);
        failing.setString(1, "a");
        failing.setString(2, "duplicate");
        assertThatThrownBy(failing::executeUpdate).isInstanceOf(SQLException.class);
        failing.close();
        assertThat(underlying.isClosed()).isTrue();

        try (PreparedStatement insert = cached.prepareStatement(INSERT)) {
            assertThat(insert.unwrap(PreparedStatement.class)).isNotSameAs(underlying);
            insert.setString(1, "e");
            insert.setString(2, "5");
            assertThat(insert.executeUpdate()).isEqualTo(1);
        }
    }

    @Test
    void beyondItsSizeTheStatementGivenBackLongestAgoIsClosed() throws SQLException {
        PreparedStatement oldest = use("SELECT 1");
        use("SELECT 2");
        use("SELECT 3");
        assertThat(oldest.isClosed()).isTrue();
        assertThat(use("SELECT 3").isClosed()).isFalse();
    }

    @Test
    void closingTheConnectionClosesItsKeptStatements() throws SQLException {
        PreparedStatement kept = use(SELECT);
        cached.close();
        assertThat(kept.isClosed()).isTrue();
        assertThat(raw.isClosed()).isTrue();
    }

    /** Prepares, runs and closes {@code sql}; returns the driver's statement behind it. */
    private PreparedStatement use(String sql) throws SQLException {
        try (PreparedStatement statement = cached.prepareStatement(sql)) {
            if (sql.equals(SELECT)) {
                statement.setString(1, "a");
            }
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
            }
            return statement.unwrap(PreparedStatement.class);
        }
    }

    private String readOnce(String key) throws SQLException {
        try (PreparedStatement select = cached.prepareStatement(SELECT)) {
            return read(select, key);
        }
    }

    private static String read(PreparedStatement select, String key) throws SQLException {
        select.setString(1, key);
        try (ResultSet row = select.executeQuery()) {
            return row.next() ? row.getString(1) : null;
        }
    }
}
