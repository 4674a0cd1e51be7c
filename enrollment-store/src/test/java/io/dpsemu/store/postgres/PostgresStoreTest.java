package io.dpsemu.store.postgres;

import static io.dpsemu.store.TestDocuments.assignedOperation;
import static io.dpsemu.store.TestDocuments.assigningOperation;
import static io.dpsemu.store.TestDocuments.caCertificate;
import static io.dpsemu.store.TestDocuments.enrollment;
import static io.dpsemu.store.TestDocuments.group;
import static io.dpsemu.store.TestDocuments.json;
import static io.dpsemu.store.TestDocuments.registration;
import static io.dpsemu.store.TestDocuments.withDeviceId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.dpsemu.protocol.enrollment.IndividualEnrollment;
import io.dpsemu.protocol.model.RegistrationStatus;
import io.dpsemu.store.CaCertificate;
import io.dpsemu.store.DocumentKind;
import io.dpsemu.store.OperationRecord;
import io.dpsemu.store.PreconditionFailedException;
import io.dpsemu.store.RegistrationRecord;
import io.dpsemu.store.Store;
import io.dpsemu.store.StoreContractTest;
import io.dpsemu.store.StoreException;
import io.dpsemu.store.StoreFullException;
import io.dpsemu.store.StoreJson;
import io.dpsemu.store.StoreUnavailableException;
import java.io.IOException;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.postgresql.Driver;
import org.postgresql.PGProperty;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The store contract and the PostgreSQL specifics, against a real server (see
 * {@link PostgresTestDatabase}: skipped when none answers). Every test gets a new schema of its
 * own; a second store on the same schema stands for a second dpsemu node.
 */
class PostgresStoreTest extends StoreContractTest {

    /** Far more than a refused connection or the pool's time-out takes, for a slow CI machine. */
    private static final Duration QUICKLY = Duration.ofSeconds(10);

    private String schema;
    private final List<AutoCloseable> closeAfter = new ArrayList<>();

    /** Skips every test, counted as skipped, when no PostgreSQL answers. */
    @Override
    protected Store openStore() {
        PostgresTestDatabase.assumeAvailable();
        schema = PostgresTestDatabase.createSchema();
        return PostgresStore.open(PostgresTestDatabase.url(schema), PostgresTestDatabase.user(),
                PostgresTestDatabase.password());
    }

    @Override
    protected Optional<Store> reopenStore(Store closed) {
        return Optional.of(openNode());
    }

    /** Another store on this test's schema: another dpsemu node. */
    private PostgresStore openNode() {
        return PostgresStore.open(PostgresTestDatabase.url(schema), PostgresTestDatabase.user(),
                PostgresTestDatabase.password());
    }

    private PostgresStore openSecondNode() {
        PostgresStore node = openNode();
        closeAfter.add(node);
        return node;
    }

    @AfterEach
    void dropSchema() throws Exception {
        for (AutoCloseable closeable : closeAfter) {
            closeable.close();
        }
        if (store != null) {
            store.close();
        }
        if (schema != null) {
            PostgresTestDatabase.dropSchema(schema);
        }
    }

    // --- schema and migrations ---

    @Test
    void open_whenSchemaIsNew_thenMigrationsAreRecorded() throws SQLException {
        assertThat(query("SELECT version || ':' || success FROM flyway_schema_history WHERE version IS NOT NULL"
                + " ORDER BY installed_rank")).containsExactly("1:true", "2:true", "3:true", "4:true");
        assertThat(query("SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
                + " ORDER BY table_name")).containsExactly("ca_certificate", "enrollment_group",
                "flyway_schema_history", "individual_enrollment", "operation", "registration_record",
                "retired_registration", "store_version");
        assertThat(query("SELECT indexdef FROM pg_indexes WHERE schemaname = current_schema()"
                + " AND indexname = 'operation_by_updated_at'")).singleElement().asString()
                .contains("(updated_at)");
    }

    @Test
    void open_whenSchemaWasMigratedBefore_thenNothingIsMigratedAgainAndDataIsKept() throws SQLException {
        IndividualEnrollment stored = store.putEnrollment(enrollment("device-1"), null);
        store.close();

        store = openNode();
        store.close();
        store = openNode();

        assertThat(store.findEnrollment("device-1")).contains(stored);
        assertThat(query("SELECT COUNT(*) FROM flyway_schema_history WHERE version IS NOT NULL"))
                .containsExactly("4");
    }

    @Test
    void open_whenSeveralNodesStartAtOnceOnANewSchema_thenTheSchemaIsMigratedOnceAndAllOpen() throws Exception {
        store.close();
        PostgresTestDatabase.dropSchema(schema);
        schema = PostgresTestDatabase.createSchema();
        List<PostgresStore> nodes = new CopyOnWriteArrayList<>();

        try {
            runConcurrently(3, node -> nodes.add(openNode()));
            nodes.get(0).putEnrollment(enrollment("device-1"), null);

            assertThat(nodes).hasSize(3).allSatisfy(node -> assertThat(node.findEnrollment("device-1")).isPresent());
            assertThat(query("SELECT version || ':' || success FROM flyway_schema_history"
                    + " WHERE version IS NOT NULL ORDER BY installed_rank"))
                    .containsExactly("1:true", "2:true", "3:true", "4:true");
        } finally {
            nodes.forEach(PostgresStore::close);
        }
        store = openNode();
    }

    @Test
    void open_whenSchemaIsAtVersion1_thenMigratesToTheCurrentSchemaKeepingDataAndVersion() throws SQLException {
        migrateNewSchemaTo("1");
        IndividualEnrollment enrollment = DocumentKind.ENROLLMENT.stamp(enrollment("Device-1"), null, Instant.now());
        try (Connection connection = PostgresTestDatabase.connect(schema);
             PreparedStatement insert = connection.prepareStatement("INSERT INTO individual_enrollment"
                     + " (id_key, etag, provisioning_status, attestation_type, document) VALUES (?, ?, ?, ?, ?)");
             Statement statement = connection.createStatement()) {
            insert.setString(1, "device-1");
            insert.setString(2, enrollment.etag());
            insert.setString(3, "enabled");
            insert.setString(4, "symmetricKey");
            insert.setString(5, StoreJson.write(enrollment));
            insert.executeUpdate();
            statement.executeUpdate("UPDATE store_version SET enrollment_version = 41");
        }
        assertThat(query("SELECT to_regclass('ca_certificate') IS NULL")).containsExactly("t");

        store = openNode();

        assertThat(query("SELECT version FROM flyway_schema_history WHERE version IS NOT NULL ORDER BY installed_rank"))
                .containsExactly("1", "2", "3", "4");
        assertThat(store.findEnrollment("DEVICE-1")).contains(enrollment);
        assertThat(store.enrollmentVersion()).isEqualTo(41);
        store.putCaCertificate(caCertificate("plant-root"), null);
        assertThat(store.enrollmentVersion()).isEqualTo(42);
    }

    @Test
    void open_whenSchemaIsAtVersion2_thenMigratesToTheOperationsSchemaKeepingDataAndVersion() throws SQLException {
        migrateNewSchemaTo("2");
        try (Connection connection = PostgresTestDatabase.connect(schema);
             Statement statement = connection.createStatement()) {
            statement.executeUpdate("UPDATE store_version SET enrollment_version = 7");
        }
        assertThat(query("SELECT to_regclass('operation') IS NULL")).containsExactly("t");

        store = openNode();
        CaCertificate ca = store.putCaCertificate(caCertificate("plant-root"), null);
        store.putOperation(assignedOperation("op-1", "device-1"));

        assertThat(query("SELECT version FROM flyway_schema_history WHERE version IS NOT NULL ORDER BY installed_rank"))
                .containsExactly("1", "2", "3", "4");
        assertThat(store.enrollmentVersion()).as("the CA certificate only").isEqualTo(8);
        store.close();
        store = openNode();
        assertThat(store.findCaCertificate("plant-root")).contains(ca);
        assertThat(store.findOperation("op-1")).map(OperationRecord::status).contains(RegistrationStatus.ASSIGNED);
    }

    @Test
    void open_whenSchemaIsAtVersion3_thenMigratesToTheRetiredRegistrationsSchemaKeepingData() throws SQLException {
        migrateNewSchemaTo("3");
        try (Connection connection = PostgresTestDatabase.connect(schema);
             Statement statement = connection.createStatement()) {
            statement.executeUpdate("UPDATE store_version SET enrollment_version = 7");
        }
        assertThat(query("SELECT to_regclass('retired_registration') IS NULL")).containsExactly("t");

        store = openNode();
        RegistrationRecord record = store.putRegistration(registration("Device-1", null));
        store.deleteRegistration("device-1", null);

        assertThat(query("SELECT version FROM flyway_schema_history WHERE version IS NOT NULL ORDER BY installed_rank"))
                .containsExactly("1", "2", "3", "4");
        assertThat(store.enrollmentVersion()).isEqualTo(7);
        store.close();
        store = openNode();
        assertThat(store.findRetiredRegistration("device-1")).contains(record);
    }

    @Test
    void open_whenTheCurrentSchemaDoesNotExist_thenStoreExceptionSayingHowToFixIt() {
        String missing = schema + "_missing";

        assertThatThrownBy(() -> PostgresStore.open(PostgresTestDatabase.url(missing), PostgresTestDatabase.user(),
                PostgresTestDatabase.password()))
                .isInstanceOf(StoreException.class)
                .isNotInstanceOf(StoreUnavailableException.class)
                .hasMessageContaining("search_path")
                .hasMessageContaining("currentSchema");
    }

    @Test
    void keyColumns_sortInByteOrderWhateverTheDatabaseCollation() throws SQLException {
        assertThat(query("SELECT table_name || '.' || column_name || ':' || collation_name"
                + " FROM information_schema.columns WHERE table_schema = current_schema()"
                + " AND column_name IN ('id_key', 'group_key', 'operation_id', 'registration_key') ORDER BY 1"))
                .containsExactly("ca_certificate.id_key:C", "enrollment_group.id_key:C",
                        "individual_enrollment.id_key:C", "operation.operation_id:C",
                        "operation.registration_key:C", "registration_record.group_key:C",
                        "registration_record.id_key:C", "retired_registration.id_key:C");
    }

    @Test
    void putEnrollment_keepsTheDocumentAsJsonTextBesideLowerCasedKeyColumns() throws SQLException {
        IndividualEnrollment stored = store.putEnrollment(enrollment("Device-1"), null);
        store.putRegistration(registration("Device-2", "Group-A"));

        assertThat(query("SELECT id_key || '|' || etag || '|' || provisioning_status || '|' || attestation_type"
                + " FROM individual_enrollment"))
                .containsExactly("device-1|" + stored.etag() + "|enabled|symmetricKey");
        assertThat(StoreJson.read(query("SELECT document FROM individual_enrollment").get(0),
                IndividualEnrollment.class)).isEqualTo(stored);
        assertThat(query("SELECT id_key || '|' || group_key || '|' || status FROM registration_record"))
                .containsExactly("device-2|group-a|assigned");
        assertThat(query("SELECT document::jsonb ->> 'registrationId' FROM registration_record"))
                .as("an operator can look into documents as jsonb").containsExactly("Device-2");
    }

    @Test
    void put_whenDocumentsHoldWhatJsonbWouldAlter_thenTheyReadBackExactly() {
        String text = "-----BEGIN CERTIFICATE-----\nAA\u0000AA\n-----END CERTIFICATE-----\n";
        RegistrationRecord record = new RegistrationRecord("device-1", null, null, "device-1", "hub",
                RegistrationStatus.ASSIGNED, null, null, null,
                json("{\"big\":1.0E20,\"nul\":\"a\\u0000b\"}"), null, null, null, null, null, null, null);

        CaCertificate ca = store.putCaCertificate(CaCertificate.of("plant-root", text), null);
        RegistrationRecord stored = store.putRegistration(record);

        assertThat(store.findCaCertificate("plant-root")).contains(ca).map(CaCertificate::certificate).contains(text);
        assertThat(store.findRegistration("device-1")).contains(stored);
        assertThat(stored.payload()).isEqualTo(record.payload());
    }

    @Test
    void putOperation_keepsTheDocumentAsJsonTextBesideTheExactIdAndTheUpdateTimeInMicroseconds() throws SQLException {
        store.putOperation(assigningOperation("4.Ab.Op-1", "Device-1"));
        store.putOperation(assignedOperation("4.Ab.Op-1", "Device-1"));
        OperationRecord stored = store.findOperation("4.Ab.Op-1").orElseThrow();

        assertThat(query("SELECT operation_id || '|' || registration_key || '|' || updated_at FROM operation"))
                .containsExactly("4.Ab.Op-1|device-1|"
                        + ChronoUnit.MICROS.between(Instant.EPOCH, stored.lastUpdatedDateTimeUtc()));
        assertThat(StoreJson.read(query("SELECT document FROM operation").get(0), OperationRecord.class))
                .isEqualTo(stored);
        assertThat(query("SELECT document::jsonb -> 'result' ->> 'assignedHub' FROM operation"))
                .containsExactly("hub1.azure-devices.net");
    }

    // --- enrollment version ---

    @Test
    void enrollmentVersion_isTheVersionInTheDatabase() throws SQLException {
        store.putEnrollment(enrollment("device-1"), null);
        store.putCaCertificate(caCertificate("plant-root"), null);

        assertThat(query("SELECT enrollment_version FROM store_version"))
                .containsExactly(String.valueOf(store.enrollmentVersion()));
        assertThat(store.enrollmentVersion()).isEqualTo(2);
    }

    // --- several nodes on one database ---

    @Test
    void twoNodes_seeEachOthersWritesAndEnrollmentVersionAtOnce() {
        Store other = openSecondNode();
        long start = other.enrollmentVersion();

        IndividualEnrollment enrollment = store.putEnrollment(enrollment("Device-1"), null);
        assertThat(other.findEnrollment("device-1")).contains(enrollment);
        assertThat(other.enrollmentVersion()).isEqualTo(store.enrollmentVersion()).isGreaterThan(start);

        long before = store.enrollmentVersion();
        other.putGroup(group("group-1"), null);
        assertThat(store.findGroup("GROUP-1")).isPresent();
        assertThat(store.enrollmentVersion()).isGreaterThan(before).isEqualTo(other.enrollmentVersion());

        before = store.enrollmentVersion();
        other.deleteEnrollment("device-1", enrollment.etag());
        assertThat(store.findEnrollment("device-1")).isEmpty();
        assertThat(store.enrollmentVersion()).isGreaterThan(before);

        RegistrationRecord record = other.putRegistration(registration("device-2", "group-1"));
        assertThat(store.findRegistration("device-2")).contains(record);
        assertThat(store.listRegistrations("group-1", null, 0).items()).containsExactly(record);
        assertThatThrownBy(() -> store.putGroup(group("group-1"), "stale"))
                .isInstanceOf(PreconditionFailedException.class);
    }

    @Test
    void twoNodes_seeEachOthersOperationsAtOnce() {
        Store other = openSecondNode();
        long version = other.enrollmentVersion();

        store.putOperation(assigningOperation("4.0a1b.op-1", "device-1"));
        OperationRecord assigning = other.findOperation("4.0a1b.op-1").orElseThrow();
        assertThat(assigning.status()).isEqualTo(RegistrationStatus.ASSIGNING);
        assertThat(store.findOperation("4.0a1b.op-1")).contains(assigning);

        other.putOperation(assignedOperation("4.0a1b.op-1", "device-1"));
        OperationRecord assigned = store.findOperation("4.0a1b.op-1").orElseThrow();
        assertThat(assigned.status()).isEqualTo(RegistrationStatus.ASSIGNED);
        assertThat(assigned.result()).isEqualTo(assignedOperation("4.0a1b.op-1", "device-1").result());
        assertThat(assigned.createdDateTimeUtc()).isEqualTo(assigning.createdDateTimeUtc());
        assertThat(assigned.lastUpdatedDateTimeUtc()).isAfter(assigning.lastUpdatedDateTimeUtc());
        assertThat(other.findOperation("4.0A1B.OP-1")).isEmpty();

        assertThat(store.deleteOperationsUpdatedBefore(assigned.lastUpdatedDateTimeUtc().plusNanos(1))).isEqualTo(1);
        assertThat(other.findOperation("4.0a1b.op-1")).isEmpty();
        assertThat(other.enrollmentVersion()).isEqualTo(version).isEqualTo(store.enrollmentVersion());
    }

    @Test
    void putOperation_whenTwoNodesWriteTheSameOperationsAtOnce_thenOneRowEachAndNothingFails() throws Exception {
        Store other = openSecondNode();
        List<Store> nodes = List.of(store, other);
        int operations = 50;

        // Four writers, two per node, each writing every operation: the first writes of an id race to create it.
        runConcurrently(4, writer -> {
            Store node = nodes.get(writer % 2);
            for (int i = 0; i < operations; i++) {
                node.putOperation(writer < 2 ? assigningOperation("op-" + i, "device-" + i)
                        : assignedOperation("op-" + i, "device-" + i));
            }
        });

        assertThat(query("SELECT COUNT(*) FROM operation")).containsExactly(String.valueOf(operations));
        for (int i = 0; i < operations; i++) {
            OperationRecord stored = store.findOperation("op-" + i).orElseThrow();
            assertThat(other.findOperation("op-" + i)).contains(stored);
            assertThat(stored.createdDateTimeUtc()).isBefore(stored.lastUpdatedDateTimeUtc());
        }
    }

    @Test
    void putOperation_whileAnotherNodeHoldsTheEnrollmentVersionLock_thenDoesNotWait() throws Exception {
        store.putOperation(assigningOperation("op-1", "device-1"));
        ExecutorService thread = Executors.newSingleThreadExecutor();
        try (Connection locker = PostgresTestDatabase.connect(schema);
             Statement statement = locker.createStatement()) {
            locker.setAutoCommit(false);
            statement.executeUpdate("UPDATE store_version SET enrollment_version = enrollment_version + 1");

            Future<Integer> writes = thread.submit(() -> {
                store.putOperation(assignedOperation("op-1", "device-1"));
                store.putOperation(assigningOperation("op-2", "device-2"));
                return store.deleteOperationsUpdatedBefore(Instant.now().plusSeconds(60));
            });

            assertThat(writes.get(QUICKLY.toSeconds(), TimeUnit.SECONDS)).isEqualTo(2);
            locker.rollback();
        } finally {
            thread.shutdownNow();
        }
    }

    @Test
    void putRegistration_whenTwoNodesWriteTheSameIdsAtOnce_thenOneRecordPerIdWithOneCreationTime() throws Exception {
        Store other = openSecondNode();
        List<Store> nodes = List.of(store, other);
        int ids = 100;
        Map<String, Set<Instant>> createdTimes = new ConcurrentHashMap<>();
        Map<String, Set<RegistrationRecord>> returned = new ConcurrentHashMap<>();

        // Four writers, two per node, each writing every id: the first writes of an id race to create it.
        runConcurrently(4, writer -> {
            Store node = nodes.get(writer % 2);
            for (int i = 0; i < ids; i++) {
                String id = "device-" + i;
                RegistrationRecord written = node.putRegistration(new RegistrationRecord(
                        writer % 2 == 0 ? id : id.toUpperCase(), null, null, "by-writer-" + writer, "hub",
                        RegistrationStatus.ASSIGNED, null, null, null, null, null, null, null, null, null, null, null));
                createdTimes.computeIfAbsent(id, key -> ConcurrentHashMap.newKeySet())
                        .add(written.createdDateTimeUtc());
                returned.computeIfAbsent(id, key -> ConcurrentHashMap.newKeySet()).add(written);
            }
        });

        assertThat(query("SELECT COUNT(*) FROM registration_record")).containsExactly(String.valueOf(ids));
        for (int i = 0; i < ids; i++) {
            String id = "device-" + i;
            assertThat(createdTimes.get(id)).as("creation times returned for %s", id).hasSize(1);
            RegistrationRecord stored = store.findRegistration(id).orElseThrow();
            assertThat(other.findRegistration(id)).contains(stored);
            assertThat(returned.get(id)).as("the stored record is one that a write returned").contains(stored);
            assertThat(stored.createdDateTimeUtc()).isEqualTo(createdTimes.get(id).iterator().next());
        }
    }

    @Test
    void deleteRegistration_whenTwoNodesDeleteTheSameRecordsAtOnce_thenEachIsDeletedOnceAndRetiredWhole()
            throws Exception {
        Store other = openSecondNode();
        List<Store> nodes = List.of(store, other);
        int ids = 50;
        List<RegistrationRecord> written = new ArrayList<>();
        for (int i = 0; i < ids; i++) {
            written.add(store.putRegistration(registration("device-" + i, null)));
        }
        AtomicInteger deleted = new AtomicInteger();

        runConcurrently(4, deleter -> {
            Store node = nodes.get(deleter % 2);
            for (int i = 0; i < ids; i++) {
                if (node.deleteRegistration("device-" + i, null)) {
                    deleted.incrementAndGet();
                }
            }
        });

        assertThat(deleted).hasValue(ids);
        assertThat(query("SELECT COUNT(*) FROM registration_record")).containsExactly("0");
        assertThat(query("SELECT COUNT(*) FROM retired_registration")).containsExactly(String.valueOf(ids));
        for (RegistrationRecord record : written) {
            assertThat(other.findRetiredRegistration(record.registrationId())).contains(record);
        }
    }

    @Test
    void putEnrollment_whenTwoNodesReplaceConditionallyAtOnce_thenNoUpdateIsLost() throws Exception {
        Store other = openSecondNode();
        List<Store> nodes = List.of(store, other);
        store.putEnrollment(withDeviceId(enrollment("counter"), "0"), null);

        runConcurrently(4, writer -> {
            Store node = nodes.get(writer % 2);
            for (int done = 0; done < 10; ) {
                IndividualEnrollment current = node.findEnrollment("counter").orElseThrow();
                try {
                    node.putEnrollment(withDeviceId(current, String.valueOf(Integer.parseInt(current.deviceId()) + 1)),
                            current.etag());
                    done++;
                } catch (PreconditionFailedException lostTheRace) {
                    // The other node or writer was first: read again.
                }
            }
        });

        assertThat(other.findEnrollment("counter")).map(IndividualEnrollment::deviceId).contains("40");
    }

    @Test
    void putCaCertificate_whenTwoNodesCreateMoreThanTheLimitAtOnce_thenExactly25AreCreated() throws Exception {
        Store other = openSecondNode();
        List<Store> nodes = List.of(store, other);
        AtomicInteger created = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();

        runConcurrently(6, writer -> {
            for (int i = 0; i < 8; i++) {
                try {
                    nodes.get(writer % 2).putCaCertificate(caCertificate("ca-" + writer + "-" + i), null);
                    created.incrementAndGet();
                } catch (StoreFullException full) {
                    refused.incrementAndGet();
                }
            }
        });

        assertThat(created).hasValue(CaCertificate.MAX_COUNT);
        assertThat(refused).hasValue(6 * 8 - CaCertificate.MAX_COUNT);
        assertThat(other.listCaCertificates()).hasSize(CaCertificate.MAX_COUNT);
    }

    // --- failures ---

    @Test
    void open_whenNothingListens_thenStoreUnavailableQuicklyNamingTheDatabaseNotThePassword() throws IOException {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        String url = "jdbc:postgresql://127.0.0.1:" + port + "/dpsemu_nowhere";
        String password = "password-that-must-not-show";

        Instant start = Instant.now();
        StoreUnavailableException failure = catchThrowableOfType(StoreUnavailableException.class,
                () -> PostgresStore.open(url + "?ApplicationName=dpsemu-test&password=" + password,
                        "dpsemu", password));

        assertThat(Duration.between(start, Instant.now())).isLessThan(QUICKLY);
        assertThat(failure).isNotNull();
        assertThat(failure.getMessage()).contains(url).contains("dpsemu").contains("refused")
                .doesNotContain(password).doesNotContain("ApplicationName");
    }

    @Test
    void open_whenPasswordIsWrong_thenStoreUnavailableNamingTheUserNotThePassword() {
        String password = "wrong-password-that-must-not-show";

        assertThatThrownBy(() -> PostgresStore.open(PostgresTestDatabase.url(schema), PostgresTestDatabase.user(),
                password))
                .isInstanceOf(StoreUnavailableException.class)
                .hasMessageContaining(PostgresTestDatabase.url().replaceFirst("\\?.*", ""))
                .hasMessageContaining(PostgresTestDatabase.user())
                .hasMessageNotContaining(password);
    }

    @Test
    void open_whenUrlIsNotPostgresOrPoolIsEmpty_thenIllegalArgumentWithoutUrlParameters() {
        assertThatThrownBy(() -> PostgresStore.open("jdbc:sqlite:x.db?password=secret", "u", "p"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("jdbc:postgresql:")
                .hasMessageContaining("jdbc:sqlite:x.db")
                .hasMessageNotContaining("secret");
        assertThatThrownBy(() -> PostgresStore.open(null, "u", "p")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PostgresStore.open(PostgresTestDatabase.url(schema), "u", "p", 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("pool size");
    }

    @Test
    void calls_whenTheDatabaseGoesAwayAndComesBack_thenFailQuicklyThenWorkAgainByThemselves() throws Exception {
        Properties target = Driver.parseURL(PostgresTestDatabase.url(), null);
        String host = PGProperty.PG_HOST.getOrDefault(target).split(",")[0];
        int targetPort = Integer.parseInt(PGProperty.PG_PORT.getOrDefault(target).split(",")[0]);
        try (TcpProxy proxy = new TcpProxy(host, targetPort)) {
            int port = proxy.start();
            String url = "jdbc:postgresql://127.0.0.1:" + port + "/" + PGProperty.PG_DBNAME.getOrDefault(target);
            Store node = PostgresStore.open(url + "?currentSchema=" + schema, PostgresTestDatabase.user(),
                    PostgresTestDatabase.password(), 2);
            closeAfter.add(node);
            IndividualEnrollment enrollment = node.putEnrollment(enrollment("device-1"), null);

            proxy.stop();

            for (Runnable call : List.<Runnable>of(() -> node.findEnrollment("device-1"),
                    () -> node.putRegistration(registration("device-2", null)))) {
                Instant start = Instant.now();
                StoreUnavailableException failure = catchThrowableOfType(StoreUnavailableException.class, call::run);
                assertThat(Duration.between(start, Instant.now())).isLessThan(QUICKLY);
                assertThat(failure).isNotNull();
                assertThat(failure.getMessage()).contains(url).contains(PostgresTestDatabase.user());
            }

            proxy.start();

            Instant deadline = Instant.now().plus(QUICKLY);
            Optional<IndividualEnrollment> found = Optional.empty();
            while (found.isEmpty() && Instant.now().isBefore(deadline)) {
                try {
                    found = node.findEnrollment("device-1");
                } catch (StoreUnavailableException stillDown) {
                    Thread.sleep(100);
                }
            }
            assertThat(found).contains(enrollment);
            RegistrationRecord record = node.putRegistration(registration("device-2", null));
            assertThat(store.findRegistration("device-2")).contains(record);
        }
    }

    @Test
    void calls_whenStoreIsClosed_thenStoreUnavailable() {
        store.close();
        store.close();

        assertThatThrownBy(() -> store.findEnrollment("device-1")).isInstanceOf(StoreUnavailableException.class);
        assertThatThrownBy(() -> store.putRegistration(registration("device-1", null)))
                .isInstanceOf(StoreUnavailableException.class);
        assertThatThrownBy(() -> store.enrollmentVersion()).isInstanceOf(StoreUnavailableException.class);
    }

    /** Replaces this test's schema by a new one migrated to {@code version} only, as an earlier release left it. */
    private void migrateNewSchemaTo(String version) {
        store.close();
        PostgresTestDatabase.dropSchema(schema);
        schema = PostgresTestDatabase.createSchema();
        Flyway.configure(PostgresStoreTest.class.getClassLoader())
                .dataSource(dataSource(PostgresTestDatabase.url(schema)))
                .locations("classpath:db/migration/postgres")
                .target(version)
                .loggers("slf4j")
                .load()
                .migrate();
    }

    private List<String> query(String sql) throws SQLException {
        try (Connection connection = PostgresTestDatabase.connect(schema);
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(sql)) {
            List<String> values = new ArrayList<>();
            while (rows.next()) {
                values.add(rows.getString(1));
            }
            return values;
        }
    }

    private static PGSimpleDataSource dataSource(String url) {
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setURL(url);
        dataSource.setUser(PostgresTestDatabase.user());
        dataSource.setPassword(PostgresTestDatabase.password());
        return dataSource;
    }
}
