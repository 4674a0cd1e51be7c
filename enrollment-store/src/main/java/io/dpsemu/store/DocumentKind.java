package io.dpsemu.store;

import io.dpsemu.protocol.auth.RegistrationIds;
import io.dpsemu.protocol.enrollment.EnrollmentGroup;
import io.dpsemu.protocol.enrollment.IndividualEnrollment;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The rules every store implementation applies to one kind of document: its case-insensitive
 * key, what a written document must satisfy, how many may exist, the {@code If-Match} check, and
 * the fields the store owns (etag and timestamps).
 */
public final class DocumentKind<T> {

    private static final int UNLIMITED = 0;

    public static final DocumentKind<IndividualEnrollment> ENROLLMENT = new DocumentKind<>("enrollment",
            IndividualEnrollment.class, IndividualEnrollment::registrationId, IndividualEnrollment::etag,
            IndividualEnrollment::createdDateTimeUtc, false, IndividualEnrollment::withStoreFields,
            document -> { }, UNLIMITED);

    public static final DocumentKind<EnrollmentGroup> GROUP = new DocumentKind<>("enrollment group",
            EnrollmentGroup.class, EnrollmentGroup::enrollmentGroupId, EnrollmentGroup::etag,
            EnrollmentGroup::createdDateTimeUtc, false, EnrollmentGroup::withStoreFields,
            document -> { }, UNLIMITED);

    // A record carries its creation time from the registration that made it (e.g. an import).
    public static final DocumentKind<RegistrationRecord> REGISTRATION = new DocumentKind<>("registration record",
            RegistrationRecord.class, RegistrationRecord::registrationId, RegistrationRecord::etag,
            RegistrationRecord::createdDateTimeUtc, true, RegistrationRecord::withStoreFields,
            document -> { }, UNLIMITED);

    public static final DocumentKind<CaCertificate> CA_CERTIFICATE = new DocumentKind<>("CA certificate",
            CaCertificate.class, CaCertificate::name, CaCertificate::etag,
            CaCertificate::createdDateTimeUtc, false, CaCertificate::withStoreFields,
            DocumentKind::validateCaCertificate, CaCertificate.MAX_COUNT);

    @FunctionalInterface
    private interface StoreFields<T> {
        T with(T document, String etag, Instant created, Instant lastUpdated);
    }

    private final String name;
    private final Class<T> type;
    private final Function<T, String> id;
    private final Function<T, String> etag;
    private final Function<T, Instant> created;
    private final boolean keepsGivenCreated;
    private final StoreFields<T> storeFields;
    private final Consumer<T> validation;
    private final int maxCount;

    private DocumentKind(String name, Class<T> type, Function<T, String> id, Function<T, String> etag,
            Function<T, Instant> created, boolean keepsGivenCreated, StoreFields<T> storeFields,
            Consumer<T> validation, int maxCount) {
        this.name = name;
        this.type = type;
        this.id = id;
        this.etag = etag;
        this.created = created;
        this.keepsGivenCreated = keepsGivenCreated;
        this.storeFields = storeFields;
        this.validation = validation;
        this.maxCount = maxCount;
    }

    public Class<T> type() {
        return type;
    }

    /** The lookup key of an id: ids are case-insensitive. */
    public static String key(String id) {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("an id is required");
        }
        return id.toLowerCase(Locale.ROOT);
    }

    public static String keyOrNull(String id) {
        return id == null ? null : key(id);
    }

    public String id(T document) {
        return id.apply(document);
    }

    public String key(T document) {
        return key(id(document));
    }

    public String etag(T document) {
        return etag.apply(document);
    }

    /**
     * Checks what the store itself requires of a document being written, before anything else.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public void validate(T document) {
        if (document == null) {
            throw new IllegalArgumentException(name + " is required");
        }
        validation.accept(document);
    }

    /** Whether the store holds at most {@link #maxCount()} documents of this kind. */
    public boolean isLimited() {
        return maxCount != UNLIMITED;
    }

    public int maxCount() {
        return maxCount;
    }

    /**
     * Checks that one more document fits, when a write would create {@code itemId}.
     *
     * @param count how many documents of this kind the store holds now
     * @throws StoreFullException when the store is at its limit
     */
    public void checkRoomForNew(long count, String itemId) {
        if (isLimited() && count >= maxCount) {
            throw new StoreFullException("cannot add " + name + " '" + itemId + "': at most " + maxCount + " "
                    + name + "s may exist and there are " + count + "; delete one or replace an existing one");
        }
    }

    /**
     * @param currentEtag the stored item's etag, {@code null} when there is no such item
     * @throws PreconditionFailedException when {@code ifMatch} does not hold ({@link AlreadyExistsException}
     *         for {@link Store#CREATE_ONLY})
     */
    public void checkIfMatch(String ifMatch, String currentEtag, String itemId) {
        if (ifMatch == null) {
            return;
        }
        if (ifMatch.equals(Store.CREATE_ONLY)) {
            if (currentEtag != null) {
                throw new AlreadyExistsException(name + " '" + itemId + "' already exists");
            }
            return;
        }
        if (currentEtag == null) {
            throw new PreconditionFailedException(name + " '" + itemId + "' does not exist, but If-Match requires it");
        }
        if (!ifMatch.equals("*") && !unquoted(ifMatch).equals(unquoted(currentEtag))) {
            throw new PreconditionFailedException(name + " '" + itemId + "' has changed: If-Match " + ifMatch
                    + " does not match the current etag");
        }
    }

    /**
     * The document as stored when written at {@code now} over {@code existing} ({@code null} when new).
     * Timestamps keep at most microseconds: DPS writes 7 fraction digits and C# clients parse them.
     */
    public T stamp(T document, T existing, Instant writtenAt) {
        Instant now = writtenAt.truncatedTo(ChronoUnit.MICROS);
        Instant createdAt;
        if (existing != null) {
            createdAt = created.apply(existing);
        } else if (keepsGivenCreated && created.apply(document) != null) {
            createdAt = created.apply(document).truncatedTo(ChronoUnit.MICROS);
        } else {
            createdAt = now;
        }
        return storeFields.with(document, newEtag(), createdAt, now);
    }

    private static void validateCaCertificate(CaCertificate ca) {
        RegistrationIds.problem(ca.name()).ifPresent(problem -> {
            throw new IllegalArgumentException("invalid CA certificate name: " + problem);
        });
        if (ca.certificate() == null || ca.certificate().isBlank()) {
            throw new IllegalArgumentException("CA certificate '" + ca.name() + "' has no certificate text");
        }
    }

    private static String newEtag() {
        // Etags only need to differ between writes, not to be secret: no SecureRandom contention.
        ThreadLocalRandom random = ThreadLocalRandom.current();
        byte[] bytes = new byte[16];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static String unquoted(String etag) {
        int start = etag.startsWith("\"") ? 1 : 0;
        int end = etag.length() > start && etag.endsWith("\"") ? etag.length() - 1 : etag.length();
        return etag.substring(start, end);
    }
}
