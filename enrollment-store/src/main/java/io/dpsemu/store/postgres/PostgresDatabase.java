package io.dpsemu.store.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.dpsemu.store.StoreException;
import io.dpsemu.store.StoreUnavailableException;
import io.dpsemu.store.jdbc.JdbcDatabase;
import io.dpsemu.store.jdbc.SchemaMigrations;
import io.dpsemu.store.jdbc.SqlWork;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.output.MigrateResult;
import org.postgresql.Driver;
import org.postgresql.PGProperty;
import org.postgresql.ds.PGSimpleDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A PostgreSQL database, migrated to the current schema, reached through a HikariCP pool. Reads
 * run in auto-commit (one statement each); writes run in one transaction each, at the server's
 * {@code synchronous_commit} (on by default: a commit is on disk when it returns).
 *
 * <p>Failing fast, recovering alone: a caller waits at most {@link #CONNECTION_TIMEOUT_MILLIS} for a
 * connection when the database is down, and the pool reconnects by itself when it is back.
 */
final class PostgresDatabase implements JdbcDatabase {

    private static final Logger LOG = LoggerFactory.getLogger(PostgresDatabase.class);
    private static final String MIGRATIONS = "classpath:db/migration/postgres";
    private static final String URL_PREFIX = "jdbc:postgresql:";

    /** How long a caller waits for a connection before it gets {@link StoreUnavailableException}. */
    static final long CONNECTION_TIMEOUT_MILLIS = 3_000;
    private static final long VALIDATION_TIMEOUT_MILLIS = 2_000;
    /** TCP connect and login, per attempt (seconds, as the driver counts them). */
    private static final int CONNECT_TIMEOUT_SECONDS = 3;
    private static final int LOGIN_TIMEOUT_SECONDS = 5;
    /**
     * A statement that gets no answer for this long fails, and its connection is dropped: a
     * database host that vanished without closing its connections does not hold a caller forever.
     */
    private static final int SOCKET_TIMEOUT_SECONDS = 30;

    private final String description;
    private final HikariDataSource pool;

    private PostgresDatabase(String description, HikariDataSource pool) {
        this.description = description;
        this.pool = pool;
    }

    /**
     * Connects, migrates the schema (in the connection's current schema: {@code currentSchema} in
     * the URL, else the first existing one on the role's {@code search_path}) and starts the pool.
     * Several nodes may open the same database at once: Flyway lets one migrate and the others wait.
     *
     * @param user     {@code null} to take it from the URL
     * @param password {@code null} to take it from the URL or leave it to the server's authentication
     * @throws IllegalArgumentException when the URL is not a PostgreSQL JDBC URL or the pool size is not positive
     * @throws StoreUnavailableException when the database cannot be reached or refuses the login
     * @throws StoreException when the schema cannot be migrated
     */
    static PostgresDatabase open(String jdbcUrl, String user, String password, int poolSize) {
        if (jdbcUrl == null || !jdbcUrl.startsWith(URL_PREFIX)) {
            throw new IllegalArgumentException("a PostgreSQL JDBC URL starts with " + URL_PREFIX + "//; got "
                    + (jdbcUrl == null ? "none" : "'" + redacted(jdbcUrl) + "'"));
        }
        if (poolSize < 1) {
            throw new IllegalArgumentException("the PostgreSQL connection pool size must be at least 1; got "
                    + poolSize);
        }
        PGSimpleDataSource dataSource = dataSource(jdbcUrl, user, password);
        String description = redacted(jdbcUrl) + (dataSource.getUser() == null ? "" : " as " + dataSource.getUser());

        String server = checkServer(dataSource, description);
        MigrateResult migration = migrate(dataSource, description);
        HikariDataSource pool;
        try {
            pool = new HikariDataSource(poolConfig(dataSource, poolSize));
        } catch (RuntimeException e) {
            // Hikari wraps a failed first connection in its own unchecked exception.
            throw new StoreUnavailableException("cannot open PostgreSQL store " + description + ": "
                    + causes(e), e);
        }
        LOG.info("PostgreSQL store {}: {}, schema at version {} ({} migrations applied now), pool of {}", description,
                server, migration.targetSchemaVersion != null ? migration.targetSchemaVersion
                        : migration.initialSchemaVersion, migration.migrationsExecuted, poolSize);
        return new PostgresDatabase(description, pool);
    }

    @Override
    public <R> R read(SqlWork<R> work) {
        try (Connection connection = pool.getConnection()) {
            return work.run(connection);
        } catch (SQLException e) {
            throw unavailable("read", e);
        }
    }

    @Override
    public <R> R write(SqlWork<R> work) {
        try (Connection connection = pool.getConnection()) {
            // The pool hands out auto-commit connections and restores that when this one returns.
            connection.setAutoCommit(false);
            try {
                R result = work.run(connection);
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                rollback(connection, e);
                throw e;
            }
        } catch (SQLException e) {
            throw unavailable("write", e);
        }
    }

    /** Other connections and other nodes write at the same time: rows are locked before they are rewritten. */
    @Override
    public boolean writersRunConcurrently() {
        return true;
    }

    @Override
    public void close() {
        pool.close();
    }

    /** The database's URL without its parameters, and the user: what messages name the database by. */
    String description() {
        return description;
    }

    private StoreUnavailableException unavailable(String operation, SQLException e) {
        return new StoreUnavailableException("PostgreSQL store " + description + ": " + operation + " failed: "
                + causes(e), e);
    }

    private static void rollback(Connection connection, Exception cause) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            // The connection is broken; the pool drops it, and the transaction died with it.
            cause.addSuppressed(e);
        }
    }

    private static PGSimpleDataSource dataSource(String jdbcUrl, String user, String password) {
        Properties given = Driver.parseURL(jdbcUrl, null);
        if (given == null) {
            throw new IllegalArgumentException("not a valid PostgreSQL JDBC URL: '" + redacted(jdbcUrl) + "'");
        }
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setURL(jdbcUrl);
        // Defaults for what the URL leaves unset: the URL has the last word.
        if (!PGProperty.CONNECT_TIMEOUT.isPresent(given)) {
            dataSource.setConnectTimeout(CONNECT_TIMEOUT_SECONDS);
        }
        if (!PGProperty.LOGIN_TIMEOUT.isPresent(given)) {
            dataSource.setLoginTimeout(LOGIN_TIMEOUT_SECONDS);
        }
        if (!PGProperty.SOCKET_TIMEOUT.isPresent(given)) {
            dataSource.setSocketTimeout(SOCKET_TIMEOUT_SECONDS);
        }
        if (!PGProperty.TCP_KEEP_ALIVE.isPresent(given)) {
            dataSource.setTcpKeepAlive(true);
        }
        if (!PGProperty.APPLICATION_NAME.isPresent(given)) {
            dataSource.setApplicationName("dpsemu");
        }
        if (user != null) {
            dataSource.setUser(user);
        }
        if (password != null) {
            dataSource.setPassword(password);
        }
        return dataSource;
    }

    /**
     * Checks that the server answers and that there is a schema to migrate, before Flyway does:
     * its errors would not tell an unreachable database from a broken migration.
     *
     * @return the server's version, for the log
     */
    private static String checkServer(PGSimpleDataSource dataSource, String description) {
        String version;
        String schema;
        String synchronousCommit;
        try (Connection connection = dataSource.getConnection();
             Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery(
                     "SELECT current_setting('server_version'), current_schema(),"
                             + " current_setting('synchronous_commit')")) {
            row.next();
            version = row.getString(1);
            schema = row.getString(2);
            synchronousCommit = row.getString(3);
        } catch (SQLException e) {
            throw new StoreUnavailableException("cannot open PostgreSQL store " + description + ": " + causes(e), e);
        }
        if (schema == null) {
            throw new StoreException("PostgreSQL store " + description + ": no schema to keep the store in: the"
                    + " search_path names no existing schema; create one or set currentSchema in the URL");
        }
        if ("off".equals(synchronousCommit)) {
            LOG.warn("PostgreSQL store {}: synchronous_commit is off on the server, so a crash of the database"
                    + " can lose registrations that devices were told about; set it back to on", description);
        }
        return "PostgreSQL " + version + ", schema " + schema;
    }

    private static MigrateResult migrate(PGSimpleDataSource dataSource, String description) {
        try {
            // Not through the pool: Flyway holds two connections at once, more than a pool of one has.
            return SchemaMigrations.migrate(dataSource, MIGRATIONS);
        } catch (FlywayException e) {
            throw new StoreException("cannot migrate the schema of PostgreSQL store " + description + ": "
                    + e.getMessage(), e);
        }
    }

    private static HikariConfig poolConfig(PGSimpleDataSource dataSource, int poolSize) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("dpsemu-postgres");
        config.setDataSource(dataSource);
        config.setMaximumPoolSize(poolSize);
        config.setConnectionTimeout(CONNECTION_TIMEOUT_MILLIS);
        config.setValidationTimeout(VALIDATION_TIMEOUT_MILLIS);
        config.setAutoCommit(true);
        // The first connection is made now, so a database that went away since the migration fails open().
        config.setInitializationFailTimeout(TimeUnit.SECONDS.toMillis(CONNECT_TIMEOUT_SECONDS));
        return config;
    }

    /**
     * The URL as messages may show it: without its parameters (which may carry a password) and
     * without any user information before the host.
     */
    static String redacted(String jdbcUrl) {
        String url = jdbcUrl;
        int parameters = url.indexOf('?');
        if (parameters >= 0) {
            url = url.substring(0, parameters);
        }
        return url.replaceFirst("//[^/@]*@", "//");
    }

    /**
     * The exception's message and its causes' messages, each once, e.g. the pool's time-out and the refused connection
     * behind it.
     */
    private static String causes(Throwable e) {
        StringBuilder text = new StringBuilder(String.valueOf(e.getMessage()));
        Throwable cause = e.getCause();
        for (int depth = 0; cause != null && depth < 8; depth++, cause = cause.getCause()) {
            String message = cause.getMessage();
            if (message != null && !text.toString().contains(message)) {
                text.append("; caused by: ").append(message);
            }
        }
        return text.toString();
    }
}
