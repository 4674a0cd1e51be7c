package io.dpsemu.store.sqlite;

import io.dpsemu.protocol.enrollment.AttestationMechanism;
import io.dpsemu.protocol.enrollment.EnrollmentGroup;
import io.dpsemu.protocol.enrollment.IndividualEnrollment;
import io.dpsemu.protocol.enrollment.ProvisioningStatus;
import io.dpsemu.store.CaCertificate;
import io.dpsemu.store.DocumentKind;
import io.dpsemu.store.Page;
import io.dpsemu.store.RegistrationRecord;
import io.dpsemu.store.Store;
import io.dpsemu.store.sqlite.SqliteDatabase.SqlWork;
import io.dpsemu.store.sqlite.SqliteTable.Column;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/** The embedded default store: one SQLite file, every acknowledged write synced to disk. */
public final class SqliteStore implements Store {

    private static final SqliteTable<IndividualEnrollment> ENROLLMENTS = new SqliteTable<>("individual_enrollment",
            DocumentKind.ENROLLMENT, List.of(
                    new Column<>("provisioning_status", e -> status(e.isEnabled())),
                    new Column<>("attestation_type", e -> attestationType(e.attestation()))));

    private static final SqliteTable<EnrollmentGroup> GROUPS = new SqliteTable<>("enrollment_group",
            DocumentKind.GROUP, List.of(
                    new Column<>("provisioning_status", g -> status(g.isEnabled())),
                    new Column<>("attestation_type", g -> attestationType(g.attestation()))));

    private static final String GROUP_KEY = "group_key";

    private static final SqliteTable<RegistrationRecord> REGISTRATIONS = new SqliteTable<>("registration_record",
            DocumentKind.REGISTRATION, List.of(
                    new Column<>(GROUP_KEY, r -> DocumentKind.keyOrNull(r.enrollmentGroupId())),
                    new Column<>("status", r -> r.status() == null ? null : r.status().wire()),
                    new Column<>("attestation_type", r -> r.attestationType() == null
                            ? null : r.attestationType().wire())));

    private static final SqliteTable<CaCertificate> CA_CERTIFICATES = new SqliteTable<>("ca_certificate",
            DocumentKind.CA_CERTIFICATE, List.of());

    private final SqliteDatabase database;
    private final AtomicLong enrollmentVersion;

    private SqliteStore(SqliteDatabase database, long enrollmentVersion) {
        this.database = database;
        this.enrollmentVersion = new AtomicLong(enrollmentVersion);
    }

    /** Opens the store in {@code databaseFile}, creating the file and its directories, and migrating its schema. */
    public static SqliteStore open(Path databaseFile) {
        SqliteDatabase database = SqliteDatabase.open(databaseFile);
        try {
            return new SqliteStore(database, database.read(SqliteStore::selectEnrollmentVersion));
        } catch (RuntimeException e) {
            database.close();
            throw e;
        }
    }

    @Override
    public Optional<IndividualEnrollment> findEnrollment(String registrationId) {
        return database.read(c -> ENROLLMENTS.find(c, registrationId));
    }

    @Override
    public IndividualEnrollment putEnrollment(IndividualEnrollment enrollment, String ifMatch) {
        return writeEnrollments(c -> ENROLLMENTS.put(c, enrollment, ifMatch));
    }

    @Override
    public boolean deleteEnrollment(String registrationId, String ifMatch) {
        return writeEnrollments(c -> ENROLLMENTS.delete(c, registrationId, ifMatch));
    }

    @Override
    public Page<IndividualEnrollment> listEnrollments(String continuation, int maxItems) {
        return database.read(c -> ENROLLMENTS.list(c, continuation, maxItems, null, null));
    }

    @Override
    public Optional<EnrollmentGroup> findGroup(String enrollmentGroupId) {
        return database.read(c -> GROUPS.find(c, enrollmentGroupId));
    }

    @Override
    public EnrollmentGroup putGroup(EnrollmentGroup group, String ifMatch) {
        return writeEnrollments(c -> GROUPS.put(c, group, ifMatch));
    }

    @Override
    public boolean deleteGroup(String enrollmentGroupId, String ifMatch) {
        return writeEnrollments(c -> GROUPS.delete(c, enrollmentGroupId, ifMatch));
    }

    @Override
    public Page<EnrollmentGroup> listGroups(String continuation, int maxItems) {
        return database.read(c -> GROUPS.list(c, continuation, maxItems, null, null));
    }

    @Override
    public Optional<RegistrationRecord> findRegistration(String registrationId) {
        return database.read(c -> REGISTRATIONS.find(c, registrationId));
    }

    @Override
    public RegistrationRecord putRegistration(RegistrationRecord record) {
        return database.write(c -> REGISTRATIONS.put(c, record, null));
    }

    @Override
    public boolean deleteRegistration(String registrationId, String ifMatch) {
        return database.write(c -> REGISTRATIONS.delete(c, registrationId, ifMatch));
    }

    @Override
    public Page<RegistrationRecord> listRegistrations(String enrollmentGroupId, String continuation, int maxItems) {
        String groupKey = DocumentKind.keyOrNull(enrollmentGroupId);
        return database.read(c -> REGISTRATIONS.list(c, continuation, maxItems,
                groupKey == null ? null : GROUP_KEY, groupKey));
    }

    @Override
    public Optional<CaCertificate> findCaCertificate(String name) {
        return database.read(c -> CA_CERTIFICATES.find(c, name));
    }

    @Override
    public CaCertificate putCaCertificate(CaCertificate ca, String ifMatch) {
        return writeEnrollments(c -> CA_CERTIFICATES.put(c, ca, ifMatch));
    }

    @Override
    public boolean deleteCaCertificate(String name, String ifMatch) {
        return writeEnrollments(c -> CA_CERTIFICATES.delete(c, name, ifMatch));
    }

    @Override
    public List<CaCertificate> listCaCertificates() {
        return database.read(CA_CERTIFICATES::all);
    }

    @Override
    public long enrollmentVersion() {
        return enrollmentVersion.get();
    }

    @Override
    public void close() {
        database.close();
    }

    private record Versioned<R>(R result, long version) {
    }

    /**
     * Runs an enrollment, group or CA certificate write and bumps the stored version in the same transaction. The
     * in-memory copy moves only after the commit: a caller that sees the new version then reads
     * the new data.
     */
    private <R> R writeEnrollments(SqlWork<R> work) {
        Versioned<R> written = database.write(c -> {
            R result = work.run(c);
            return new Versioned<>(result, bumpEnrollmentVersion(c));
        });
        enrollmentVersion.accumulateAndGet(written.version(), Math::max);
        return written.result();
    }

    private static long bumpEnrollmentVersion(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.executeUpdate("UPDATE store_version SET enrollment_version = enrollment_version + 1");
        }
        return selectEnrollmentVersion(connection);
    }

    private static long selectEnrollmentVersion(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery("SELECT enrollment_version FROM store_version")) {
            row.next();
            return row.getLong(1);
        }
    }

    private static String attestationType(AttestationMechanism attestation) {
        return attestation == null || attestation.type() == null ? null : attestation.type().wire();
    }

    private static String status(boolean enabled) {
        return (enabled ? ProvisioningStatus.ENABLED : ProvisioningStatus.DISABLED).wire();
    }
}
