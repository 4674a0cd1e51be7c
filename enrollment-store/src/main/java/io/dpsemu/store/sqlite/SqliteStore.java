package io.dpsemu.store.sqlite;

import io.dpsemu.store.jdbc.JdbcStore;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/** The embedded default store: one SQLite file, every acknowledged write synced to disk. */
public final class SqliteStore extends JdbcStore {

    // Only this process writes the file, so the version is kept in memory and never read back.
    private final AtomicLong enrollmentVersion;

    private static final int DEFAULT_READERS = 4;

    private SqliteStore(SqliteDatabase database) {
        super(database);
        this.enrollmentVersion = new AtomicLong(storedEnrollmentVersion());
    }

    /** Opens the store in {@code databaseFile}, creating the file and its directories, and migrating its schema. */
    public static SqliteStore open(Path databaseFile) {
        return open(databaseFile, DEFAULT_READERS);
    }

    /** @param readerConnections how many threads may read at once: the server gives its store thread count */
    public static SqliteStore open(Path databaseFile, int readerConnections) {
        SqliteDatabase database = SqliteDatabase.open(databaseFile, readerConnections);
        try {
            return new SqliteStore(database);
        } catch (RuntimeException e) {
            database.close();
            throw e;
        }
    }

    @Override
    public long enrollmentVersion() {
        return enrollmentVersion.get();
    }

    /** The in-memory copy moves only after the commit: a caller that sees the new version then reads the new data. */
    @Override
    protected void enrollmentVersionCommitted(long version) {
        enrollmentVersion.accumulateAndGet(version, Math::max);
    }
}
