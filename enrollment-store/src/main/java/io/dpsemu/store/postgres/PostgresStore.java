package io.dpsemu.store.postgres;

import io.dpsemu.store.StoreException;
import io.dpsemu.store.StoreUnavailableException;
import io.dpsemu.store.jdbc.JdbcStore;

/**
 * The store for several dpsemu nodes sharing one PostgreSQL database: every node sees every
 * other's writes at once, and {@link #enrollmentVersion()} lives in the database, so a node's
 * enrollment cache notices another node's changes. Two nodes writing the same item are
 * serialised by row locks (If-Match holds across nodes; a registration written by two nodes at
 * once ends as one record, the later write over the earlier one, with the first one's creation
 * time), and enrollment, group and CA certificate writes by the version row's lock (the
 * {@value io.dpsemu.store.CaCertificate#MAX_COUNT} CA certificate limit holds across nodes).
 *
 * <p>A write is durable when it returns at the server's default {@code synchronous_commit=on}. When
 * the database is unreachable, calls fail within a few seconds with {@link StoreUnavailableException},
 * naming the database (never the password), and work again once it is back.
 */
public final class PostgresStore extends JdbcStore {

    /** Connections per node when not given: as many store calls as may run at once. */
    public static final int DEFAULT_POOL_SIZE = 10;

    private PostgresStore(PostgresDatabase database) {
        super(database);
    }

    /**
     * Opens the store with a pool of {@value #DEFAULT_POOL_SIZE} connections; see
     * {@link #open(String, String, String, int)}.
     */
    public static PostgresStore open(String jdbcUrl, String user, String password) {
        return open(jdbcUrl, user, password, DEFAULT_POOL_SIZE);
    }

    /**
     * Connects to the database, migrates its schema to the current version and starts a pool of
     * {@code poolSize} connections. The tables live in the connection's current schema: set
     * {@code currentSchema} in the URL to keep them out of {@code public}. Driver settings in the URL
     * (e.g. {@code sslmode}, {@code connectTimeout}) take precedence over the store's defaults.
     *
     * @param jdbcUrl  {@code jdbc:postgresql://host[:port]/database[?parameters]}
     * @param user     the role to log in as; {@code null} to take it from the URL
     * @param password {@code null} to take it from the URL, or when the server needs none
     * @throws IllegalArgumentException when the URL is not a PostgreSQL JDBC URL or {@code poolSize < 1}
     * @throws StoreUnavailableException when the database cannot be reached or refuses the login
     * @throws StoreException when the schema cannot be migrated
     */
    public static PostgresStore open(String jdbcUrl, String user, String password, int poolSize) {
        PostgresDatabase database = PostgresDatabase.open(jdbcUrl, user, password, poolSize);
        try {
            return new PostgresStore(database);
        } catch (RuntimeException e) {
            database.close();
            throw e;
        }
    }

    /** Read from the database each time (one single-row SELECT), since other nodes move it too. */
    @Override
    public long enrollmentVersion() {
        return storedEnrollmentVersion();
    }
}
