package io.dpsemu.store.memory;

import io.dpsemu.protocol.enrollment.EnrollmentGroup;
import io.dpsemu.protocol.enrollment.IndividualEnrollment;
import io.dpsemu.store.CaCertificate;
import io.dpsemu.store.DocumentKind;
import io.dpsemu.store.OperationKind;
import io.dpsemu.store.OperationRecord;
import io.dpsemu.store.Page;
import io.dpsemu.store.RegistrationRecord;
import io.dpsemu.store.Store;
import io.dpsemu.store.StoreJson;
import io.dpsemu.store.WriteBatch;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/** A store that keeps everything in memory, for tests and throw-away runs; nothing survives {@link #close()}. */
public final class InMemoryStore implements Store {

    private final MemoryTable<IndividualEnrollment> enrollments = new MemoryTable<>(DocumentKind.ENROLLMENT);
    private final MemoryTable<EnrollmentGroup> groups = new MemoryTable<>(DocumentKind.GROUP);
    private final MemoryTable<RegistrationRecord> registrations = new MemoryTable<>(DocumentKind.REGISTRATION);
    private final MemoryTable<CaCertificate> caCertificates = new MemoryTable<>(DocumentKind.CA_CERTIFICATE);
    /**
     * The last deleted record of each registration id, by its key; values are never shared with
     * callers. One per id ever deleted, as in the database stores.
     */
    private final Map<String, RegistrationRecord> retiredRegistrations = new ConcurrentHashMap<>();
    /** Keyed by the exact operation id; values are never shared with callers (copied in and out). */
    private final Map<String, OperationRecord> operations = new ConcurrentHashMap<>();
    private final AtomicLong enrollmentVersion = new AtomicLong();

    @Override
    public Optional<IndividualEnrollment> findEnrollment(String registrationId) {
        return enrollments.find(registrationId);
    }

    @Override
    public IndividualEnrollment putEnrollment(IndividualEnrollment enrollment, String ifMatch) {
        IndividualEnrollment stored = enrollments.put(enrollment, ifMatch);
        enrollmentVersion.incrementAndGet();
        return stored;
    }

    @Override
    public boolean deleteEnrollment(String registrationId, String ifMatch) {
        boolean deleted = enrollments.delete(registrationId, ifMatch).isPresent();
        enrollmentVersion.incrementAndGet();
        return deleted;
    }

    @Override
    public Page<IndividualEnrollment> listEnrollments(String continuation, int maxItems) {
        return enrollments.list(continuation, maxItems, enrollment -> true);
    }

    @Override
    public Optional<EnrollmentGroup> findGroup(String enrollmentGroupId) {
        return groups.find(enrollmentGroupId);
    }

    @Override
    public EnrollmentGroup putGroup(EnrollmentGroup group, String ifMatch) {
        EnrollmentGroup stored = groups.put(group, ifMatch);
        enrollmentVersion.incrementAndGet();
        return stored;
    }

    @Override
    public boolean deleteGroup(String enrollmentGroupId, String ifMatch) {
        boolean deleted = groups.delete(enrollmentGroupId, ifMatch).isPresent();
        enrollmentVersion.incrementAndGet();
        return deleted;
    }

    @Override
    public Page<EnrollmentGroup> listGroups(String continuation, int maxItems) {
        return groups.list(continuation, maxItems, group -> true);
    }

    @Override
    public Optional<RegistrationRecord> findRegistration(String registrationId) {
        return registrations.find(registrationId);
    }

    @Override
    public RegistrationRecord putRegistration(RegistrationRecord record) {
        return registrations.put(record, null);
    }

    /**
     * Everything is checked before anything is written, so an invalid item leaves the store as it
     * was; synchronized so that no other batch interleaves.
     */
    @Override
    public synchronized List<RegistrationRecord> write(WriteBatch batch) {
        for (RegistrationRecord record : batch.registrations()) {
            DocumentKind.REGISTRATION.validate(record);
            DocumentKind.REGISTRATION.key(record);
        }
        batch.operations().forEach(OperationKind::validate);
        List<RegistrationRecord> stored = new ArrayList<>(batch.registrations().size());
        batch.registrations().forEach(record -> stored.add(putRegistration(record)));
        batch.operations().forEach(this::putOperation);
        return stored;
    }

    /** Synchronized so that, of two deletes of one id, the later one's record is the one kept retired. */
    @Override
    public synchronized boolean deleteRegistration(String registrationId, String ifMatch) {
        Optional<RegistrationRecord> deleted = registrations.delete(registrationId, ifMatch);
        deleted.ifPresent(record -> retiredRegistrations.put(DocumentKind.key(registrationId), record));
        return deleted.isPresent();
    }

    @Override
    public Optional<RegistrationRecord> findRetiredRegistration(String registrationId) {
        return Optional.ofNullable(retiredRegistrations.get(DocumentKind.key(registrationId)))
                .map(record -> StoreJson.copy(record, RegistrationRecord.class));
    }

    @Override
    public Page<RegistrationRecord> listRegistrations(String enrollmentGroupId, String continuation, int maxItems) {
        String groupKey = DocumentKind.keyOrNull(enrollmentGroupId);
        Predicate<RegistrationRecord> inGroup = groupKey == null
                ? record -> true
                : record -> groupKey.equals(DocumentKind.keyOrNull(record.enrollmentGroupId()));
        return registrations.list(continuation, maxItems, inGroup);
    }

    @Override
    public Optional<CaCertificate> findCaCertificate(String name) {
        return caCertificates.find(name);
    }

    @Override
    public CaCertificate putCaCertificate(CaCertificate ca, String ifMatch) {
        CaCertificate stored = caCertificates.put(ca, ifMatch);
        enrollmentVersion.incrementAndGet();
        return stored;
    }

    @Override
    public boolean deleteCaCertificate(String name, String ifMatch) {
        boolean deleted = caCertificates.delete(name, ifMatch).isPresent();
        enrollmentVersion.incrementAndGet();
        return deleted;
    }

    @Override
    public List<CaCertificate> listCaCertificates() {
        return caCertificates.all();
    }

    @Override
    public void putOperation(OperationRecord operation) {
        OperationKind.validate(operation);
        OperationRecord copy = copy(operation);
        Instant now = Instant.now();
        // compute() runs atomically per id, so the existing creation time cannot be lost to a concurrent write.
        operations.compute(OperationKind.key(copy.operationId()),
                (id, existing) -> OperationKind.stamp(copy, existing, now));
    }

    @Override
    public Optional<OperationRecord> findOperation(String operationId) {
        return Optional.ofNullable(operations.get(OperationKind.key(operationId))).map(InMemoryStore::copy);
    }

    @Override
    public int deleteOperationsUpdatedBefore(Instant cutoff) {
        OperationKind.requireCutoff(cutoff);
        int deleted = 0;
        for (Map.Entry<String, OperationRecord> entry : operations.entrySet()) {
            // remove(key, value): an operation written again since it was looked at here is kept.
            if (entry.getValue().lastUpdatedDateTimeUtc().isBefore(cutoff)
                    && operations.remove(entry.getKey(), entry.getValue())) {
                deleted++;
            }
        }
        return deleted;
    }

    @Override
    public long enrollmentVersion() {
        return enrollmentVersion.get();
    }

    @Override
    public void close() {
        // Nothing to release.
    }

    private static OperationRecord copy(OperationRecord operation) {
        return StoreJson.copy(operation, OperationRecord.class);
    }
}
