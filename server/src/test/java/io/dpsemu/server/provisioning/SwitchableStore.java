package io.dpsemu.server.provisioning;

import io.dpsemu.protocol.enrollment.EnrollmentGroup;
import io.dpsemu.protocol.enrollment.IndividualEnrollment;
import io.dpsemu.store.CaCertificate;
import io.dpsemu.store.OperationRecord;
import io.dpsemu.store.Page;
import io.dpsemu.store.RegistrationRecord;
import io.dpsemu.store.Store;
import io.dpsemu.store.StoreUnavailableException;
import io.dpsemu.store.WriteBatch;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A store that delegates to another and can be told to fail every call, or only registration writes,
 * with {@link StoreUnavailableException}; registration writes can also be held at a gate.
 */
final class SwitchableStore implements Store {

    private final Store delegate;
    private volatile boolean failAll;
    private volatile boolean failRegistrationWrites;
    private volatile CountDownLatch registrationGate;
    private volatile CountDownLatch stallGate;
    private final List<Integer> recordsPerWrite = new CopyOnWriteArrayList<>();
    private final CountDownLatch registrationWriteReached = new CountDownLatch(1);

    SwitchableStore(Store delegate) {
        this.delegate = delegate;
    }

    void failAll(boolean fail) {
        failAll = fail;
    }

    void failRegistrationWrites(boolean fail) {
        failRegistrationWrites = fail;
    }

    /** Registration writes wait until the returned latch is counted down. */
    CountDownLatch holdRegistrationWrites() {
        CountDownLatch gate = new CountDownLatch(1);
        registrationGate = gate;
        return gate;
    }

    boolean registrationWriteReached() {
        return registrationWriteReached.getCount() == 0;
    }

    /** Every call waits until the returned latch is counted down, as on a frozen disk. */
    CountDownLatch stallAll() {
        CountDownLatch gate = new CountDownLatch(1);
        stallGate = gate;
        return gate;
    }

    private void check() {
        CountDownLatch stall = stallGate;
        if (stall != null) {
            awaitOpen(stall);
        }
        if (failAll) {
            throw new StoreUnavailableException("database is down (test)", null);
        }
    }

    private static void awaitOpen(CountDownLatch gate) {
        try {
            if (!gate.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("store gate never opened");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public Optional<IndividualEnrollment> findEnrollment(String registrationId) {
        check();
        return delegate.findEnrollment(registrationId);
    }

    @Override
    public IndividualEnrollment putEnrollment(IndividualEnrollment enrollment, String ifMatch) {
        check();
        return delegate.putEnrollment(enrollment, ifMatch);
    }

    @Override
    public boolean deleteEnrollment(String registrationId, String ifMatch) {
        check();
        return delegate.deleteEnrollment(registrationId, ifMatch);
    }

    @Override
    public Page<IndividualEnrollment> listEnrollments(String continuation, int maxItems) {
        check();
        return delegate.listEnrollments(continuation, maxItems);
    }

    @Override
    public Optional<EnrollmentGroup> findGroup(String enrollmentGroupId) {
        check();
        return delegate.findGroup(enrollmentGroupId);
    }

    @Override
    public EnrollmentGroup putGroup(EnrollmentGroup group, String ifMatch) {
        check();
        return delegate.putGroup(group, ifMatch);
    }

    @Override
    public boolean deleteGroup(String enrollmentGroupId, String ifMatch) {
        check();
        return delegate.deleteGroup(enrollmentGroupId, ifMatch);
    }

    @Override
    public Page<EnrollmentGroup> listGroups(String continuation, int maxItems) {
        check();
        return delegate.listGroups(continuation, maxItems);
    }

    @Override
    public Optional<RegistrationRecord> findRegistration(String registrationId) {
        check();
        return delegate.findRegistration(registrationId);
    }

    @Override
    public RegistrationRecord putRegistration(RegistrationRecord record) {
        beforeRegistrationWrite();
        return delegate.putRegistration(record);
    }

    @Override
    public List<RegistrationRecord> write(WriteBatch batch) {
        if (!batch.registrations().isEmpty()) {
            beforeRegistrationWrite();
        } else {
            check();
        }
        List<RegistrationRecord> stored = delegate.write(batch);
        recordsPerWrite.add(batch.registrations().size());
        return stored;
    }

    /** How many registration records each successful {@link #write(WriteBatch)} held, in order. */
    List<Integer> recordsPerWrite() {
        return recordsPerWrite;
    }

    private void beforeRegistrationWrite() {
        registrationWriteReached.countDown();
        CountDownLatch gate = registrationGate;
        if (gate != null) {
            awaitOpen(gate);
        }
        check();
        if (failRegistrationWrites) {
            throw new StoreUnavailableException("cannot write the registration record (test)", null);
        }
    }

    @Override
    public boolean deleteRegistration(String registrationId, String ifMatch) {
        check();
        return delegate.deleteRegistration(registrationId, ifMatch);
    }

    @Override
    public Optional<RegistrationRecord> findRetiredRegistration(String registrationId) {
        check();
        return delegate.findRetiredRegistration(registrationId);
    }

    @Override
    public Page<RegistrationRecord> listRegistrations(String enrollmentGroupId, String continuation, int maxItems) {
        check();
        return delegate.listRegistrations(enrollmentGroupId, continuation, maxItems);
    }

    @Override
    public Optional<CaCertificate> findCaCertificate(String name) {
        check();
        return delegate.findCaCertificate(name);
    }

    @Override
    public CaCertificate putCaCertificate(CaCertificate ca, String ifMatch) {
        check();
        return delegate.putCaCertificate(ca, ifMatch);
    }

    @Override
    public boolean deleteCaCertificate(String name, String ifMatch) {
        check();
        return delegate.deleteCaCertificate(name, ifMatch);
    }

    @Override
    public List<CaCertificate> listCaCertificates() {
        check();
        return delegate.listCaCertificates();
    }

    @Override
    public void putOperation(OperationRecord operation) {
        check();
        delegate.putOperation(operation);
    }

    @Override
    public Optional<OperationRecord> findOperation(String operationId) {
        check();
        return delegate.findOperation(operationId);
    }

    @Override
    public int deleteOperationsUpdatedBefore(Instant cutoff) {
        check();
        return delegate.deleteOperationsUpdatedBefore(cutoff);
    }

    @Override
    public long enrollmentVersion() {
        check();
        return delegate.enrollmentVersion();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
