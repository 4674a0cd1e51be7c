package io.dpsemu.store.jdbc;

import io.dpsemu.protocol.enrollment.AttestationMechanism;
import io.dpsemu.protocol.enrollment.EnrollmentGroup;
import io.dpsemu.protocol.enrollment.IndividualEnrollment;
import io.dpsemu.protocol.enrollment.ProvisioningStatus;
import io.dpsemu.store.CaCertificate;
import io.dpsemu.store.DocumentKind;
import io.dpsemu.store.OperationRecord;
import io.dpsemu.store.Page;
import io.dpsemu.store.RegistrationRecord;
import io.dpsemu.store.Store;
import io.dpsemu.store.WriteBatch;
import io.dpsemu.store.jdbc.JdbcTable.Column;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The {@link Store} on a relational database with the store schema (each migration set, SQLite's
 * and PostgreSQL's, creates the same tables and columns): one table per kind of document, the
 * document kept whole as JSON text beside its lower-cased id and the columns lists filter on, a
 * table of retired registration records (the last deleted record of each id), and a one-row
 * {@code store_version} table. Implementations say how to reach their database and
 * where {@link #enrollmentVersion()} is read from.
 */
public abstract class JdbcStore implements Store {

    private static final String GROUP_KEY = "group_key";

    private final JdbcDatabase database;
    private final JdbcTable<IndividualEnrollment> enrollments;
    private final JdbcTable<EnrollmentGroup> groups;
    private final JdbcTable<RegistrationRecord> registrations;
    private final JdbcRetiredRegistrations retiredRegistrations = new JdbcRetiredRegistrations();
    private final JdbcTable<CaCertificate> caCertificates;
    private final JdbcOperations operations;

    protected JdbcStore(JdbcDatabase database) {
        this.database = database;
        boolean lockRows = database.writersRunConcurrently();
        this.enrollments = new JdbcTable<>("individual_enrollment", DocumentKind.ENROLLMENT, List.of(
                new Column<>("provisioning_status", e -> status(e.isEnabled())),
                new Column<>("attestation_type", e -> attestationType(e.attestation()))), lockRows);
        this.groups = new JdbcTable<>("enrollment_group", DocumentKind.GROUP, List.of(
                new Column<>("provisioning_status", g -> status(g.isEnabled())),
                new Column<>("attestation_type", g -> attestationType(g.attestation()))), lockRows);
        this.registrations = new JdbcTable<>("registration_record", DocumentKind.REGISTRATION, List.of(
                new Column<>(GROUP_KEY, r -> DocumentKind.keyOrNull(r.enrollmentGroupId())),
                new Column<>("status", r -> r.status() == null ? null : r.status().wire()),
                new Column<>("attestation_type", r -> r.attestationType() == null
                        ? null : r.attestationType().wire())), lockRows);
        this.caCertificates = new JdbcTable<>("ca_certificate", DocumentKind.CA_CERTIFICATE, List.of(), lockRows);
        this.operations = new JdbcOperations(lockRows);
    }

    @Override
    public Optional<IndividualEnrollment> findEnrollment(String registrationId) {
        return database.read(c -> enrollments.find(c, registrationId));
    }

    @Override
    public IndividualEnrollment putEnrollment(IndividualEnrollment enrollment, String ifMatch) {
        return writeEnrollments(c -> enrollments.put(c, enrollment, ifMatch));
    }

    @Override
    public boolean deleteEnrollment(String registrationId, String ifMatch) {
        return writeEnrollments(c -> enrollments.delete(c, registrationId, ifMatch).isPresent());
    }

    @Override
    public Page<IndividualEnrollment> listEnrollments(String continuation, int maxItems) {
        return database.read(c -> enrollments.list(c, continuation, maxItems, null, null));
    }

    @Override
    public Optional<EnrollmentGroup> findGroup(String enrollmentGroupId) {
        return database.read(c -> groups.find(c, enrollmentGroupId));
    }

    @Override
    public EnrollmentGroup putGroup(EnrollmentGroup group, String ifMatch) {
        return writeEnrollments(c -> groups.put(c, group, ifMatch));
    }

    @Override
    public boolean deleteGroup(String enrollmentGroupId, String ifMatch) {
        return writeEnrollments(c -> groups.delete(c, enrollmentGroupId, ifMatch).isPresent());
    }

    @Override
    public Page<EnrollmentGroup> listGroups(String continuation, int maxItems) {
        return database.read(c -> groups.list(c, continuation, maxItems, null, null));
    }

    @Override
    public Optional<RegistrationRecord> findRegistration(String registrationId) {
        return database.read(c -> registrations.find(c, registrationId));
    }

    @Override
    public RegistrationRecord putRegistration(RegistrationRecord record) {
        return database.write(c -> registrations.put(c, record, null));
    }

    @Override
    public List<RegistrationRecord> write(WriteBatch batch) {
        return database.write(c -> {
            List<RegistrationRecord> stored = new ArrayList<>(batch.registrations().size());
            for (RegistrationRecord record : batch.registrations()) {
                stored.add(registrations.put(c, record, null));
            }
            for (OperationRecord operation : batch.operations()) {
                operations.put(c, operation);
            }
            return stored;
        });
    }

    @Override
    public boolean deleteRegistration(String registrationId, String ifMatch) {
        return database.write(c -> {
            Optional<RegistrationRecord> deleted = registrations.delete(c, registrationId, ifMatch);
            if (deleted.isPresent()) {
                retiredRegistrations.keep(c, deleted.get());
            }
            return deleted.isPresent();
        });
    }

    @Override
    public Optional<RegistrationRecord> findRetiredRegistration(String registrationId) {
        return database.read(c -> retiredRegistrations.find(c, registrationId));
    }

    @Override
    public Page<RegistrationRecord> listRegistrations(String enrollmentGroupId, String continuation, int maxItems) {
        String groupKey = DocumentKind.keyOrNull(enrollmentGroupId);
        return database.read(c -> registrations.list(c, continuation, maxItems,
                groupKey == null ? null : GROUP_KEY, groupKey));
    }

    @Override
    public Optional<CaCertificate> findCaCertificate(String name) {
        return database.read(c -> caCertificates.find(c, name));
    }

    @Override
    public CaCertificate putCaCertificate(CaCertificate ca, String ifMatch) {
        return writeEnrollments(c -> caCertificates.put(c, ca, ifMatch));
    }

    @Override
    public boolean deleteCaCertificate(String name, String ifMatch) {
        return writeEnrollments(c -> caCertificates.delete(c, name, ifMatch).isPresent());
    }

    @Override
    public List<CaCertificate> listCaCertificates() {
        return database.read(caCertificates::all);
    }

    /** Outside the version row lock: operation writes are frequent and do not move the enrollment version. */
    @Override
    public void putOperation(OperationRecord operation) {
        database.write(c -> {
            operations.put(c, operation);
            return null;
        });
    }

    @Override
    public Optional<OperationRecord> findOperation(String operationId) {
        return database.read(c -> operations.find(c, operationId));
    }

    @Override
    public int deleteOperationsUpdatedBefore(Instant cutoff) {
        return database.write(c -> operations.deleteUpdatedBefore(c, cutoff));
    }

    @Override
    public void close() {
        database.close();
    }

    /** The enrollment version as committed in the database now. */
    protected final long storedEnrollmentVersion() {
        return database.read(JdbcStore::selectEnrollmentVersion);
    }

    /**
     * Called after a write that moved the enrollment version has committed, with the version it
     * committed; an implementation that keeps the version in memory follows it here.
     */
    protected void enrollmentVersionCommitted(long version) {
    }

    private record Versioned<R>(R result, long version) {
    }

    /**
     * Runs an enrollment, group or CA certificate write and bumps the stored version in the same
     * transaction. The version row is updated first: its row lock then serialises these writes
     * across connections and nodes until commit, which is what keeps the CA certificate count
     * check true when two nodes create certificates at once. Enrollment writes are rare; registration
     * writes do not take this lock.
     */
    private <R> R writeEnrollments(SqlWork<R> work) {
        Versioned<R> written = database.write(c -> {
            long version = bumpEnrollmentVersion(c);
            return new Versioned<>(work.run(c), version);
        });
        enrollmentVersionCommitted(written.version());
        return written.result();
    }

    private static long bumpEnrollmentVersion(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.executeUpdate("UPDATE store_version SET enrollment_version = enrollment_version + 1");
        }
        return selectEnrollmentVersion(connection);
    }

    private static long selectEnrollmentVersion(Connection connection) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT enrollment_version FROM store_version");
             ResultSet row = statement.executeQuery()) {
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
