package io.dpsemu.store;

import io.dpsemu.protocol.enrollment.EnrollmentGroup;
import io.dpsemu.protocol.enrollment.IndividualEnrollment;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Enrollments, enrollment groups, registration records, named CA certificates and device registration
 * operations. Synchronous and thread-safe: callers run it on a worker pool, never on an event loop.
 *
 * <p>Ids keep the case they were written with; lookups ignore case. The store owns {@code etag},
 * {@code createdDateTimeUtc} and {@code lastUpdatedDateTimeUtc}: every write gets a new etag,
 * a replace keeps the creation time, and the returned document is exactly what a later read
 * returns.
 *
 * <p>{@code ifMatch}: {@code null} writes unconditionally; {@code "*"} requires the item to exist;
 * {@link #CREATE_ONLY} requires it not to exist (and throws {@link AlreadyExistsException}); any
 * other value must equal the current etag, surrounding double quotes ignored on either side.
 * A failed condition throws {@link PreconditionFailedException}.
 *
 * <p>Lists are ordered by lower-cased id; a page's continuation is {@code null} on the last page.
 * {@code maxItems <= 0} means {@value Paging#DEFAULT_PAGE_SIZE}, at most {@value Paging#MAX_PAGE_SIZE}.
 * An unreadable continuation token throws {@link IllegalArgumentException}.
 *
 * <p>Operations are the exception to these rules: their ids are matched exactly (case-sensitive),
 * they have no etag and no If-Match, and they are not listed; see {@link #putOperation(OperationRecord)}.
 *
 * <p>A null or blank id throws {@link IllegalArgumentException}. Database failures throw
 * {@link StoreUnavailableException}; nothing else of the database leaks.
 */
public interface Store extends AutoCloseable {

    /**
     * The {@code ifMatch} of a write that may only create (HTTP's {@code If-None-Match: *}): checked in
     * the same transaction as the write, so two concurrent creates of one id never overwrite each other.
     */
    String CREATE_ONLY = "If-None-Match: *";

    Optional<IndividualEnrollment> findEnrollment(String registrationId);

    /** Creates or replaces the enrollment keyed by its {@code registrationId}. */
    IndividualEnrollment putEnrollment(IndividualEnrollment enrollment, String ifMatch);

    /** @return false when there was no such enrollment (and {@code ifMatch} was null) */
    boolean deleteEnrollment(String registrationId, String ifMatch);

    Page<IndividualEnrollment> listEnrollments(String continuation, int maxItems);

    Optional<EnrollmentGroup> findGroup(String enrollmentGroupId);

    /** Creates or replaces the group keyed by its {@code enrollmentGroupId}. */
    EnrollmentGroup putGroup(EnrollmentGroup group, String ifMatch);

    /** @return false when there was no such group (and {@code ifMatch} was null) */
    boolean deleteGroup(String enrollmentGroupId, String ifMatch);

    Page<EnrollmentGroup> listGroups(String continuation, int maxItems);

    Optional<RegistrationRecord> findRegistration(String registrationId);

    /**
     * Creates or replaces a registration record; durable when this returns. The creation time is
     * the existing record's, else the record's own when set, else now.
     */
    RegistrationRecord putRegistration(RegistrationRecord record);

    /**
     * Writes a batch in one transaction (group commit): each registration record as
     * {@link #putRegistration(RegistrationRecord)} writes it, then each operation as
     * {@link #putOperation(OperationRecord)} does. Durable when this returns; when anything of the
     * batch fails (an invalid item, a database failure), nothing of it is written.
     *
     * @return the registration records as stored, in the batch's order
     */
    List<RegistrationRecord> write(WriteBatch batch);

    /**
     * Deletes the registration record and, in the same transaction, keeps it as the registration's
     * retired record (see {@link #findRetiredRegistration(String)}), replacing any earlier one.
     * A failed {@code ifMatch} deletes and keeps nothing.
     *
     * @return false when there was no such record (and {@code ifMatch} was null)
     */
    boolean deleteRegistration(String registrationId, String ifMatch);

    /**
     * The last registration record deleted for this id, exactly as it was when deleted, even after a
     * new record of the id was written. Deleting a record in DPS leaves the device identity in the
     * hub it was assigned to; this is how dpsemu, which connects to no hub, remembers that identity
     * ({@code assignedHub}, {@code deviceId}) so that a later registration onto the same hub can be
     * told apart from a first one ({@code reprovisionedToInitialAssignment}). No other read sees
     * retired records: {@link #findRegistration(String)} and the lists return only live ones.
     */
    Optional<RegistrationRecord> findRetiredRegistration(String registrationId);

    /** @param enrollmentGroupId only that group's records (case-insensitive); {@code null} for all records */
    Page<RegistrationRecord> listRegistrations(String enrollmentGroupId, String continuation, int maxItems);

    /** @param name looked up ignoring case; a name no certificate can have is simply not found */
    Optional<CaCertificate> findCaCertificate(String name);

    /**
     * Creates or replaces the CA certificate keyed by its {@code name}, with the same If-Match,
     * etag and timestamp rules as enrollments. The PEM text is kept as given, not parsed.
     *
     * @throws IllegalArgumentException when the name breaks the registration id rules (at most
     *         128 of {@code [A-Za-z0-9-._:]}, ending alphanumeric or {@code -}) or the certificate
     *         text is missing or blank
     * @throws StoreFullException when creating one while {@value CaCertificate#MAX_COUNT} exist;
     *         replacing an existing one always has room
     */
    CaCertificate putCaCertificate(CaCertificate ca, String ifMatch);

    /** @return false when there was no such CA certificate (and {@code ifMatch} was null) */
    boolean deleteCaCertificate(String name, String ifMatch);

    /** Every CA certificate (there are at most {@value CaCertificate#MAX_COUNT}), ordered by lower-cased name. */
    List<CaCertificate> listCaCertificates();

    /**
     * Creates or replaces the operation keyed by its {@code operationId} (exact, case-sensitive);
     * durable when this returns, and visible at once to every store on the same database. The
     * store sets {@code lastUpdatedDateTimeUtc} (now, and always later than the replaced operation's),
     * and keeps the existing operation's {@code createdDateTimeUtc}, else the operation's own when
     * set, else now; both to the microsecond. The last write wins: the store does not check
     * {@code status} transitions. Does not change {@link #enrollmentVersion()}.
     *
     * @throws IllegalArgumentException when the operation, its id or its registration id is
     *         missing or blank, or its status is missing
     */
    void putOperation(OperationRecord operation);

    /** @param operationId matched exactly, case included */
    Optional<OperationRecord> findOperation(String operationId);

    /**
     * Deletes every operation last updated strictly before {@code cutoff}: housekeeping, which any
     * node may run at any time. Does not change {@link #enrollmentVersion()}.
     *
     * @return how many operations were deleted
     * @throws IllegalArgumentException when {@code cutoff} is null
     */
    int deleteOperationsUpdatedBefore(Instant cutoff);

    /**
     * A number that changes after every write or delete of an enrollment, group or CA certificate
     * (groups reference CA certificates by name), so callers can cache enrollments and reload only
     * when it moved.
     */
    long enrollmentVersion();

    /** Releases the store; idempotent. */
    @Override
    void close();
}
