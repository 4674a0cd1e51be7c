package io.dpsemu.store.sqlite;

import io.dpsemu.store.StoreException;
import io.dpsemu.store.StoreUnavailableException;
import io.dpsemu.store.jdbc.JdbcDatabase;
import io.dpsemu.store.jdbc.SchemaMigrations;
import io.dpsemu.store.jdbc.SqlWork;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * One SQLite file, migrated to the current schema. SQLite has a single writer anyway, so writes are
 * serialised on one connection; reads use a small pool of other connections, so that they need not
 * wait while a commit is being synced to disk (WAL lets readers run during a write) nor for each
 * other (one connection serves one thread at a time). Each connection keeps its prepared statements
 * ({@link StatementCache}).
 */
final class SqliteDatabase implements JdbcDatabase {

    private static final Logger LOG = LoggerFactory.getLogger(SqliteDatabase.class);
    private static final String MIGRATIONS = "classpath:db/migration/sqlite";
    private static final int BUSY_TIMEOUT_MILLIS = 5_000;
    /** More than the store's distinct statements, so none is compiled twice. */
    private static final int KEPT_STATEMENTS = 64;

    private final Path file;
    private final Connection writer;
    private final List<Connection> readers;
    private final BlockingQueue<Connection> idleReaders;
    private volatile boolean closed;

    private SqliteDatabase(Path file, Connection writer, List<Connection> readers) {
        this.file = file;
        this.writer = writer;
        this.readers = readers;
        this.idleReaders = new ArrayBlockingQueue<>(readers.size(), false, readers);
    }

    /**
     * Opens (creating it and its directories if needed) and migrates the database file.
     *
     * @param readerConnections how many threads may read at once (the server's store threads)
     */
    static SqliteDatabase open(Path databaseFile, int readerConnections) {
        Path file = databaseFile.toAbsolutePath();
        try {
            Files.createDirectories(file.getParent());
        } catch (IOException e) {
            throw new StoreUnavailableException("cannot create the directory of SQLite store " + file + ": " + e, e);
        }
        Connection writer = null;
        try {
            writer = StatementCache.wrap(connect(file), KEPT_STATEMENTS);
            requireWal(writer, file);
            migrate(file);
            List<Connection> readers = new ArrayList<>();
            try {
                for (int i = 0; i < readerConnections; i++) {
                    readers.add(StatementCache.wrap(connect(file), KEPT_STATEMENTS));
                }
            } catch (SQLException e) {
                readers.forEach(SqliteDatabase::closeQuietly);
                throw e;
            }
            return new SqliteDatabase(file, writer, readers);
        } catch (SQLException e) {
            closeQuietly(writer);
            throw new StoreUnavailableException("cannot open SQLite store " + file + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(writer);
            throw e;
        }
    }

    /**
     * A connection configured as the store uses it. WAL and {@code synchronous=FULL} together make
     * each commit durable on return, even through a power cut, at the cost of one sync per commit.
     */
    static Connection connect(Path file) throws SQLException {
        return config().createConnection(url(file));
    }

    private static SQLiteConfig config() {
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        config.setBusyTimeout(BUSY_TIMEOUT_MILLIS);
        // The tables are keyed by id_key, never by rowid: without this the driver runs a query for
        // the generated key after every INSERT (1 % of a registration's CPU).
        config.setGetGeneratedKeys(false);
        return config;
    }

    @Override
    public <R> R read(SqlWork<R> work) {
        Connection reader = takeReader();
        try {
            return work.run(reader);
        } catch (SQLException e) {
            throw unavailable("read", e);
        } finally {
            idleReaders.add(reader);
        }
    }

    private Connection takeReader() {
        if (closed) {
            throw new StoreUnavailableException("SQLite store " + file + " is closed", null);
        }
        try {
            Connection reader = idleReaders.take();
            if (closed) {
                idleReaders.add(reader);
                throw new StoreUnavailableException("SQLite store " + file + " is closed", null);
            }
            return reader;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreUnavailableException("SQLite store " + file + ": interrupted while waiting to read", e);
        }
    }

    /** Runs {@code work} in one write transaction; any exception rolls it back. */
    @Override
    public <R> R write(SqlWork<R> work) {
        synchronized (writer) {
            try {
                // IMMEDIATE takes the write lock up front, so a conflict with another process is
                // a busy wait at BEGIN rather than a failed upgrade halfway through.
                execute(writer, "BEGIN IMMEDIATE");
                R result = work.run(writer);
                execute(writer, "COMMIT");
                return result;
            } catch (SQLException e) {
                rollback(e);
                throw unavailable("write", e);
            } catch (RuntimeException e) {
                rollback(e);
                throw e;
            }
        }
    }

    /** One writer at a time: {@code BEGIN IMMEDIATE} locks the whole file. */
    @Override
    public boolean writersRunConcurrently() {
        return false;
    }

    /** Waits for the reads in progress, then closes every connection. */
    @Override
    public void close() {
        synchronized (writer) {
            if (closed) {
                return;
            }
            closed = true;
            List<Connection> all = new ArrayList<>(List.of(writer));
            for (int i = 0; i < readers.size(); i++) {
                all.add(takeIdleReaderForClose());
            }
            // back in the pool, closed: a read after close takes one and fails instead of waiting forever
            idleReaders.addAll(readers);
            SQLException failure = null;
            for (Connection connection : all) {
                try {
                    connection.close();
                } catch (SQLException e) {
                    if (failure == null) {
                        failure = e;
                    } else {
                        failure.addSuppressed(e);
                    }
                }
            }
            if (failure != null) {
                throw unavailable("close", failure);
            }
        }
    }

    private Connection takeIdleReaderForClose() {
        try {
            return idleReaders.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreUnavailableException("SQLite store " + file + ": interrupted while closing", e);
        }
    }

    private void rollback(Exception cause) {
        try {
            execute(writer, "ROLLBACK");
        } catch (SQLException e) {
            // BEGIN or COMMIT itself failed and left no transaction: nothing is pending.
            cause.addSuppressed(e);
        }
    }

    private StoreUnavailableException unavailable(String operation, SQLException e) {
        return new StoreUnavailableException("SQLite store " + file + ": " + operation + " failed: "
                + e.getMessage(), e);
    }

    private static void requireWal(Connection connection, Path file) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet mode = statement.executeQuery("PRAGMA journal_mode")) {
            mode.next();
            if (!"wal".equalsIgnoreCase(mode.getString(1))) {
                throw new StoreUnavailableException("SQLite store " + file + " cannot use WAL journal mode (it is in '"
                        + mode.getString(1) + "' mode); is it on a network file system?", null);
            }
        }
    }

    private static void migrate(Path file) {
        SQLiteDataSource dataSource = new SQLiteDataSource(config());
        dataSource.setUrl(url(file));
        try {
            MigrateResult result = SchemaMigrations.migrate(dataSource, MIGRATIONS);
            LOG.info("SQLite store {}: schema at version {} ({} migrations applied now)", file,
                    result.targetSchemaVersion != null ? result.targetSchemaVersion : result.initialSchemaVersion,
                    result.migrationsExecuted);
        } catch (FlywayException e) {
            throw new StoreException("cannot migrate the schema of SQLite store " + file + ": " + e.getMessage(), e);
        }
    }

    private static void execute(Connection connection, String sql) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.execute();
        }
    }

    private static String url(Path file) {
        return "jdbc:sqlite:" + file;
    }

    private static void closeQuietly(Connection connection) {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // Already failing to open; the original error is the one to report.
            }
        }
    }
}
