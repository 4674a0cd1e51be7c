package io.dpsemu.store.sqlite;

import static io.dpsemu.store.TestDocuments.assignedOperation;
import static io.dpsemu.store.TestDocuments.assigningOperation;
import static io.dpsemu.store.TestDocuments.caCertificate;
import static io.dpsemu.store.TestDocuments.enrollment;
import static io.dpsemu.store.TestDocuments.group;
import static io.dpsemu.store.TestDocuments.registration;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dpsemu.protocol.enrollment.IndividualEnrollment;
import io.dpsemu.store.CaCertificate;
import io.dpsemu.store.DocumentKind;
import io.dpsemu.store.OperationRecord;
import io.dpsemu.store.RegistrationRecord;
import io.dpsemu.store.Store;
import io.dpsemu.store.StoreContractTest;
import io.dpsemu.store.StoreJson;
import io.dpsemu.store.StoreUnavailableException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteStoreTest extends StoreContractTest {

    @TempDir
    Path directory;

    private Path databaseFile() {
        return directory.resolve("data").resolve("dpsemu.db");
    }

    @Override
    protected Store openStore() {
        return SqliteStore.open(databaseFile());
    }

    @Override
    protected Optional<Store> reopenStore(Store closed) {
        return Optional.of(SqliteStore.open(databaseFile()));
    }

    @Test
    void open_whenFileIsNew_thenDatabaseIsInWalMode() throws SQLException {
        assertThat(query("PRAGMA journal_mode")).containsExactly("wal");
    }

    @Test
    void connect_configuresFullSyncAndABusyTimeout() throws SQLException {
        try (Connection connection = SqliteDatabase.connect(databaseFile());
             Statement statement = connection.createStatement()) {
            assertThat(single(statement, "PRAGMA synchronous")).as("2 = FULL").isEqualTo("2");
            assertThat(single(statement, "PRAGMA journal_mode")).isEqualTo("wal");
            assertThat(Integer.parseInt(single(statement, "PRAGMA busy_timeout"))).isPositive();
        }
    }

    @Test
    void open_whenFileIsNew_thenMigrationsAreRecorded() throws SQLException {
        assertThat(query("SELECT version || ':' || success FROM flyway_schema_history WHERE version IS NOT NULL"))
                .containsExactly("1:1", "2:1", "3:1", "4:1");
    }

    @Test
    void open_whenFileWasMigratedBefore_thenNothingIsMigratedAgainAndDataIsKept() throws SQLException {
        store.putEnrollment(enrollment("device-1"), null);
        store.close();

        store = SqliteStore.open(databaseFile());
        store.close();
        store = SqliteStore.open(databaseFile());

        assertThat(store.findEnrollment("device-1")).isPresent();
        assertThat(query("SELECT COUNT(*) FROM flyway_schema_history WHERE version IS NOT NULL"))
                .containsExactly("4");
    }

    @Test
    void open_whenFileIsNotADatabase_thenStoreUnavailableNamingTheFile() throws IOException {
        Path garbage = directory.resolve("garbage.db");
        Files.write(garbage, "this is not an SQLite database, only text; ".repeat(200).getBytes());

        assertThatThrownBy(() -> SqliteStore.open(garbage))
                .isInstanceOf(StoreUnavailableException.class)
                .hasMessageContaining(garbage.toString())
                .hasMessageContaining("not a database");
    }

    @Test
    void open_whenParentIsAFile_thenStoreUnavailableNamingThePath() throws IOException {
        Path blocker = Files.writeString(directory.resolve("blocker"), "a file, not a directory");
        Path file = blocker.resolve("dpsemu.db");

        assertThatThrownBy(() -> SqliteStore.open(file))
                .isInstanceOf(StoreUnavailableException.class)
                .hasMessageContaining(file.toString());
    }

    @Test
    void findEnrollment_whenStoreIsClosed_thenStoreUnavailable() {
        store.close();

        assertThatThrownBy(() -> store.findEnrollment("device-1")).isInstanceOf(StoreUnavailableException.class);
        assertThatThrownBy(() -> store.putRegistration(registration("device-1", null)))
                .isInstanceOf(StoreUnavailableException.class);
    }

    @Test
    void enrollmentVersion_whenReopened_thenContinuesFromWhereItWas() {
        store.putEnrollment(enrollment("device-1"), null);
        store.putGroup(group("group-1"), null);
        long before = store.enrollmentVersion();
        store.close();

        store = SqliteStore.open(databaseFile());

        assertThat(store.enrollmentVersion()).isEqualTo(before);
        store.deleteGroup("group-1", null);
        assertThat(store.enrollmentVersion()).isGreaterThan(before);
    }

    @Test
    void putEnrollment_keepsTheDocumentAsJsonBesideLowerCasedKeyColumns() throws SQLException {
        IndividualEnrollment stored = store.putEnrollment(enrollment("Device-1"), null);
        store.putRegistration(registration("Device-2", "Group-A"));

        assertThat(query("SELECT id_key || '|' || etag || '|' || provisioning_status || '|' || attestation_type"
                + " FROM individual_enrollment"))
                .containsExactly("device-1|" + stored.etag() + "|enabled|symmetricKey");
        assertThat(StoreJson.read(query("SELECT document FROM individual_enrollment").get(0),
                IndividualEnrollment.class)).isEqualTo(stored);
        assertThat(query("SELECT id_key || '|' || group_key || '|' || status FROM registration_record"))
                .containsExactly("device-2|group-a|assigned");
        assertThat(StoreJson.read(query("SELECT document FROM registration_record").get(0), RegistrationRecord.class)
                .registrationId()).isEqualTo("Device-2");
    }

    @Test
    void open_whenFileIsAtSchemaVersion1_thenMigratesToTheCurrentSchemaKeepingDataAndVersion() throws SQLException {
        store.close();
        Path v1File = directory.resolve("v1").resolve("dpsemu.db");
        IndividualEnrollment enrollment = DocumentKind.ENROLLMENT.stamp(enrollment("Device-1"), null, Instant.now());
        createDatabaseAtVersion(v1File, "1", enrollment, 41);

        store = SqliteStore.open(v1File);

        assertThat(query(v1File, "SELECT version || ':' || success FROM flyway_schema_history"
                + " WHERE version IS NOT NULL ORDER BY installed_rank")).containsExactly("1:1", "2:1", "3:1", "4:1");
        assertThat(store.findEnrollment("device-1")).contains(enrollment);
        assertThat(store.enrollmentVersion()).isEqualTo(41);
        assertThat(store.listCaCertificates()).isEmpty();
        CaCertificate ca = store.putCaCertificate(caCertificate("Plant-Root"), null);
        assertThat(store.enrollmentVersion()).isEqualTo(42);
        store.close();

        store = SqliteStore.open(v1File);
        assertThat(store.findCaCertificate("plant-root")).contains(ca);
        assertThat(store.findEnrollment("device-1")).contains(enrollment);
        assertThat(store.enrollmentVersion()).isEqualTo(42);
    }

    @Test
    void open_whenFileIsAtSchemaVersion2_thenMigratesToTheOperationsSchemaKeepingDataAndVersion()
            throws SQLException {
        store.close();
        Path v2File = directory.resolve("v2").resolve("dpsemu.db");
        IndividualEnrollment enrollment = DocumentKind.ENROLLMENT.stamp(enrollment("Device-1"), null, Instant.now());
        createDatabaseAtVersion(v2File, "2", enrollment, 7);
        assertThat(query(v2File, "SELECT name FROM sqlite_master WHERE name = 'operation'")).isEmpty();

        store = SqliteStore.open(v2File);

        assertThat(query(v2File, "SELECT version || ':' || success FROM flyway_schema_history"
                + " WHERE version IS NOT NULL ORDER BY installed_rank")).containsExactly("1:1", "2:1", "3:1", "4:1");
        assertThat(store.findEnrollment("device-1")).contains(enrollment);
        assertThat(store.findOperation("op-1")).isEmpty();
        store.putOperation(assignedOperation("op-1", "Device-1"));
        OperationRecord operation = store.findOperation("op-1").orElseThrow();
        assertThat(store.enrollmentVersion()).isEqualTo(7);
        store.close();

        store = SqliteStore.open(v2File);
        assertThat(store.findOperation("op-1")).contains(operation);
        assertThat(store.findEnrollment("device-1")).contains(enrollment);
        assertThat(store.enrollmentVersion()).isEqualTo(7);
    }

    @Test
    void open_whenFileIsAtSchemaVersion3_thenMigratesToTheRetiredRegistrationsSchemaKeepingData()
            throws SQLException {
        store.close();
        Path v3File = directory.resolve("v3").resolve("dpsemu.db");
        IndividualEnrollment enrollment = DocumentKind.ENROLLMENT.stamp(enrollment("Device-1"), null, Instant.now());
        createDatabaseAtVersion(v3File, "3", enrollment, 7);
        assertThat(query(v3File, "SELECT name FROM sqlite_master WHERE name = 'retired_registration'")).isEmpty();

        store = SqliteStore.open(v3File);
        RegistrationRecord record = store.putRegistration(registration("Device-1", null));
        store.deleteRegistration("device-1", null);

        assertThat(query(v3File, "SELECT version || ':' || success FROM flyway_schema_history"
                + " WHERE version IS NOT NULL ORDER BY installed_rank"))
                .containsExactly("1:1", "2:1", "3:1", "4:1");
        assertThat(store.findEnrollment("device-1")).contains(enrollment);
        assertThat(store.findRetiredRegistration("device-1")).contains(record);
        assertThat(store.enrollmentVersion()).isEqualTo(7);
    }

    @Test
    void deleteRegistration_keepsTheRetiredRecordAsJsonBesideTheLowerCasedId() throws SQLException {
        RegistrationRecord stored = store.putRegistration(registration("Device-1", "Group-A"));

        store.deleteRegistration("device-1", null);

        assertThat(query("SELECT id_key FROM retired_registration")).containsExactly("device-1");
        assertThat(StoreJson.read(query("SELECT document FROM retired_registration").get(0),
                RegistrationRecord.class)).isEqualTo(stored);
        assertThat(query("SELECT COUNT(*) FROM registration_record")).containsExactly("0");
    }

    @Test
    void putOperation_keepsTheDocumentAsJsonBesideTheExactIdAndTheUpdateTimeInMicroseconds() throws SQLException {
        store.putOperation(assigningOperation("4.Ab.Op-1", "Device-1"));
        store.putOperation(assignedOperation("4.Ab.Op-1", "Device-1"));
        OperationRecord stored = store.findOperation("4.Ab.Op-1").orElseThrow();

        assertThat(query("SELECT operation_id || '|' || registration_key || '|' || updated_at FROM operation"))
                .containsExactly("4.Ab.Op-1|device-1|"
                        + ChronoUnit.MICROS.between(Instant.EPOCH, stored.lastUpdatedDateTimeUtc()));
        assertThat(StoreJson.read(query("SELECT document FROM operation").get(0), OperationRecord.class))
                .isEqualTo(stored);
        assertThat(query("SELECT enrollment_version FROM store_version")).containsExactly("0");
    }

    @Test
    void deleteOperationsUpdatedBefore_searchesTheUpdateTimeIndex() throws SQLException {
        assertThat(String.join("\n",
                query(databaseFile(), "EXPLAIN QUERY PLAN DELETE FROM operation WHERE updated_at < 5", 4)))
                .contains("USING INDEX operation_by_updated_at");
    }

    @Test
    void putCaCertificate_keepsTheDocumentAsJsonBesideTheLowerCasedName() throws SQLException {
        CaCertificate stored = store.putCaCertificate(caCertificate("Plant-Root"), null);

        assertThat(query("SELECT id_key || '|' || etag FROM ca_certificate"))
                .containsExactly("plant-root|" + stored.etag());
        assertThat(StoreJson.read(query("SELECT document FROM ca_certificate").get(0), CaCertificate.class))
                .isEqualTo(stored);
        assertThat(query("SELECT enrollment_version FROM store_version"))
                .containsExactly(String.valueOf(store.enrollmentVersion()));
    }

    /**
     * A database file as an earlier release left it: migrated with Flyway to {@code version} and no
     * further, holding one enrollment and the given enrollment version.
     */
    private static void createDatabaseAtVersion(Path file, String version, IndividualEnrollment enrollment,
            long enrollmentVersion) throws SQLException {
        try {
            Files.createDirectories(file.getParent());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        String url = "jdbc:sqlite:" + file;
        Flyway.configure(SqliteStoreTest.class.getClassLoader())
                .dataSource(url, null, null)
                .locations("classpath:db/migration/sqlite")
                .target(version)
                .loggers("slf4j")
                .load()
                .migrate();
        try (Connection connection = DriverManager.getConnection(url)) {
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO individual_enrollment"
                    + " (id_key, etag, provisioning_status, attestation_type, document) VALUES (?, ?, ?, ?, ?)")) {
                insert.setString(1, enrollment.registrationId().toLowerCase(Locale.ROOT));
                insert.setString(2, enrollment.etag());
                insert.setString(3, "enabled");
                insert.setString(4, "symmetricKey");
                insert.setString(5, StoreJson.write(enrollment));
                insert.executeUpdate();
            }
            try (Statement statement = connection.createStatement()) {
                statement.executeUpdate("UPDATE store_version SET enrollment_version = " + enrollmentVersion);
            }
        }
        assertThat(query(file, "SELECT version FROM flyway_schema_history WHERE version IS NOT NULL"
                + " ORDER BY installed_rank")).as("the file is at schema version %s", version).last()
                .isEqualTo(version);
        if (version.equals("1")) {
            assertThat(query(file, "SELECT name FROM sqlite_master WHERE name = 'ca_certificate'")).isEmpty();
        }
    }

    private List<String> query(String sql) throws SQLException {
        return query(databaseFile(), sql);
    }

    private static List<String> query(Path file, String sql) throws SQLException {
        return query(file, sql, 1);
    }

    /** Runs a query on a separate plain connection, as another process would see the file; one column of each row. */
    private static List<String> query(Path file, String sql, int column) throws SQLException {
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(sql)) {
            List<String> values = new ArrayList<>();
            while (rows.next()) {
                values.add(rows.getString(column));
            }
            return values;
        }
    }

    private static String single(Statement statement, String sql) throws SQLException {
        try (ResultSet row = statement.executeQuery(sql)) {
            row.next();
            return row.getString(1);
        }
    }
}
