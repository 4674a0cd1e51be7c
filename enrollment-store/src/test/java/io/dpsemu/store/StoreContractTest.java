package io.dpsemu.store;

import static io.dpsemu.store.TestDocuments.assignedOperation;
import static io.dpsemu.store.TestDocuments.assigningOperation;
import static io.dpsemu.store.TestDocuments.caCertificate;
import static io.dpsemu.store.TestDocuments.enrollment;
import static io.dpsemu.store.TestDocuments.fullGroup;
import static io.dpsemu.store.TestDocuments.fullRegistration;
import static io.dpsemu.store.TestDocuments.group;
import static io.dpsemu.store.TestDocuments.json;
import static io.dpsemu.store.TestDocuments.registration;
import static io.dpsemu.store.TestDocuments.withDeviceId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dpsemu.protocol.auth.RegistrationIds;
import io.dpsemu.protocol.enrollment.AttestationType;
import io.dpsemu.protocol.enrollment.EnrollmentGroup;
import io.dpsemu.protocol.enrollment.IndividualEnrollment;
import io.dpsemu.protocol.model.RegistrationStatus;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The behaviour every {@link Store} implementation must have. An implementation's test extends
 * this and says how to open a fresh, empty store, and (for a durable store) how to reopen one.
 */
public abstract class StoreContractTest {

    protected Store store;

    /** A fresh, empty store; may skip the test with an assumption when the store cannot run here. */
    protected abstract Store openStore();

    /** The same data opened again after {@code closed} was closed; empty for a store that keeps nothing. */
    protected Optional<Store> reopenStore(Store closed) {
        return Optional.empty();
    }

    @BeforeEach
    void openFreshStore() {
        store = openStore();
    }

    @AfterEach
    void closeStore() {
        // null when openStore() skipped the test (e.g. no database server to test against)
        if (store != null) {
            store.close();
        }
    }

    // --- individual enrollments ---

    @Test
    void findEnrollment_whenAbsent_thenEmpty() {
        assertThat(store.findEnrollment("nobody")).isEmpty();
    }

    @Test
    void putEnrollment_whenNew_thenStoreSetsEtagAndTimestamps() {
        Instant before = Instant.now().truncatedTo(ChronoUnit.MICROS);
        IndividualEnrollment stored = store.putEnrollment(enrollment("device-1"), null);
        Instant after = Instant.now();

        assertThat(stored.etag()).isNotBlank();
        assertThat(stored.createdDateTimeUtc()).isBetween(before, after);
        assertThat(stored.lastUpdatedDateTimeUtc()).isEqualTo(stored.createdDateTimeUtc());
        assertThat(store.findEnrollment("device-1")).contains(stored);
    }

    @Test
    void putEnrollment_whenClientSendsStoreFields_thenStoreReplacesThem() {
        IndividualEnrollment sent = enrollment("device-1").withStoreFields("client-etag",
                Instant.parse("2000-01-01T00:00:00Z"), Instant.parse("2000-01-02T00:00:00Z"));

        IndividualEnrollment stored = store.putEnrollment(sent, null);

        assertThat(stored.etag()).isNotEqualTo("client-etag");
        assertThat(stored.createdDateTimeUtc()).isAfter(Instant.parse("2020-01-01T00:00:00Z"));
        assertThat(stored.lastUpdatedDateTimeUtc()).isAfter(Instant.parse("2020-01-01T00:00:00Z"));
    }

    @Test
    void putEnrollment_whenReplacing_thenNewEtagAndCreatedKept() {
        IndividualEnrollment first = store.putEnrollment(enrollment("device-1"), null);

        IndividualEnrollment second = store.putEnrollment(withDeviceId(enrollment("device-1"), "renamed"), null);

        assertThat(second.etag()).isNotEqualTo(first.etag());
        assertThat(second.createdDateTimeUtc()).isEqualTo(first.createdDateTimeUtc());
        assertThat(second.lastUpdatedDateTimeUtc()).isAfterOrEqualTo(first.lastUpdatedDateTimeUtc());
        assertThat(store.findEnrollment("device-1")).map(IndividualEnrollment::deviceId).contains("renamed");
    }

    @Test
    void findEnrollment_whenIdDiffersInCase_thenFoundWithItsOriginalCase() {
        store.putEnrollment(enrollment("Device-MiXed"), null);

        assertThat(store.findEnrollment("device-mixed")).map(IndividualEnrollment::registrationId)
                .contains("Device-MiXed");
        assertThat(store.findEnrollment("DEVICE-MIXED")).isPresent();
    }

    @Test
    void putEnrollment_whenIdDiffersInCaseFromExisting_thenReplacesTheSameEnrollment() {
        IndividualEnrollment first = store.putEnrollment(enrollment("device-a"), null);

        IndividualEnrollment second = store.putEnrollment(enrollment("DEVICE-A"), null);

        assertThat(second.createdDateTimeUtc()).isEqualTo(first.createdDateTimeUtc());
        assertThat(store.listEnrollments(null, 0).items()).containsExactly(second);
    }

    @Test
    void putEnrollment_whenIfMatchIsCurrentEtag_thenReplaced() {
        IndividualEnrollment first = store.putEnrollment(enrollment("device-1"), null);

        IndividualEnrollment second = store.putEnrollment(enrollment("device-1"), first.etag());

        assertThat(second.etag()).isNotEqualTo(first.etag());
    }

    @Test
    void putEnrollment_whenIfMatchIsQuotedCurrentEtag_thenReplaced() {
        IndividualEnrollment first = store.putEnrollment(enrollment("device-1"), null);

        IndividualEnrollment second = store.putEnrollment(enrollment("device-1"), "\"" + first.etag() + "\"");

        assertThat(store.findEnrollment("device-1")).contains(second);
    }

    @Test
    void putEnrollment_whenIfMatchIsStarAndEnrollmentExists_thenReplaced() {
        store.putEnrollment(enrollment("device-1"), null);

        IndividualEnrollment second = store.putEnrollment(withDeviceId(enrollment("device-1"), "d"), "*");

        assertThat(store.findEnrollment("device-1")).contains(second);
    }

    @Test
    void putEnrollment_whenIfMatchIsStale_thenPreconditionFailedAndUnchanged() {
        IndividualEnrollment first = store.putEnrollment(enrollment("device-1"), null);
        IndividualEnrollment current = store.putEnrollment(enrollment("device-1"), null);

        assertThatThrownBy(() -> store.putEnrollment(withDeviceId(enrollment("device-1"), "lost"), first.etag()))
                .isInstanceOf(PreconditionFailedException.class)
                .hasMessageContaining("device-1");
        assertThat(store.findEnrollment("device-1")).contains(current);
    }

    @Test
    void putEnrollment_whenCreateOnly_thenCreatesANewOneButNeverReplaces() {
        IndividualEnrollment created = store.putEnrollment(enrollment("device-1"), Store.CREATE_ONLY);

        assertThatThrownBy(() -> store.putEnrollment(withDeviceId(enrollment("DEVICE-1"), "lost"), Store.CREATE_ONLY))
                .isInstanceOf(AlreadyExistsException.class)
                .hasMessageContaining("DEVICE-1");
        assertThat(store.findEnrollment("device-1")).contains(created);
    }

    @Test
    void putGroup_whenCreateOnly_thenCreatesANewOneButNeverReplaces() {
        EnrollmentGroup created = store.putGroup(group("group-1"), Store.CREATE_ONLY);

        assertThatThrownBy(() -> store.putGroup(group("group-1"), Store.CREATE_ONLY))
                .isInstanceOf(AlreadyExistsException.class);
        assertThat(store.findGroup("group-1")).contains(created);
    }

    @Test
    void putEnrollment_whenIfMatchGivenAndEnrollmentAbsent_thenPreconditionFailed() {
        assertThatThrownBy(() -> store.putEnrollment(enrollment("device-1"), "*"))
                .isInstanceOf(PreconditionFailedException.class);
        assertThatThrownBy(() -> store.putEnrollment(enrollment("device-1"), "some-etag"))
                .isInstanceOf(PreconditionFailedException.class);
        assertThat(store.findEnrollment("device-1")).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("io.dpsemu.store.TestDocuments#fullEnrollments")
    void putEnrollment_whenEveryFieldIsSet_thenDocumentReadsBackUnchanged(IndividualEnrollment sent) {
        IndividualEnrollment stored = store.putEnrollment(sent, null);

        IndividualEnrollment expected = sent.withStoreFields(stored.etag(), stored.createdDateTimeUtc(),
                stored.lastUpdatedDateTimeUtc());
        assertThat(stored).isEqualTo(expected);
        assertThat(store.findEnrollment(sent.registrationId())).contains(expected);
        assertThat(store.listEnrollments(null, 0).items()).containsExactly(expected);
    }

    @Test
    void deleteEnrollment_whenPresent_thenTrueAndGone() {
        store.putEnrollment(enrollment("device-1"), null);

        assertThat(store.deleteEnrollment("DEVICE-1", null)).isTrue();
        assertThat(store.findEnrollment("device-1")).isEmpty();
    }

    @Test
    void deleteEnrollment_whenAbsent_thenFalse() {
        assertThat(store.deleteEnrollment("nobody", null)).isFalse();
    }

    @Test
    void deleteEnrollment_whenIfMatchMatchesQuotedOrUnquoted_thenDeleted() {
        IndividualEnrollment a = store.putEnrollment(enrollment("device-a"), null);
        IndividualEnrollment b = store.putEnrollment(enrollment("device-b"), null);

        assertThat(store.deleteEnrollment("device-a", a.etag())).isTrue();
        assertThat(store.deleteEnrollment("device-b", "\"" + b.etag() + "\"")).isTrue();
        assertThat(store.listEnrollments(null, 0).items()).isEmpty();
    }

    @Test
    void deleteEnrollment_whenIfMatchIsStale_thenPreconditionFailedAndKept() {
        IndividualEnrollment first = store.putEnrollment(enrollment("device-1"), null);
        store.putEnrollment(enrollment("device-1"), null);

        assertThatThrownBy(() -> store.deleteEnrollment("device-1", first.etag()))
                .isInstanceOf(PreconditionFailedException.class);
        assertThat(store.findEnrollment("device-1")).isPresent();
    }

    @Test
    void deleteEnrollment_whenIfMatchGivenAndEnrollmentAbsent_thenPreconditionFailed() {
        assertThatThrownBy(() -> store.deleteEnrollment("nobody", "*"))
                .isInstanceOf(PreconditionFailedException.class);
    }

    // --- paging (enrollments stand for every list) ---

    @Test
    void listEnrollments_whenEmpty_thenOneEmptyLastPage() {
        Page<IndividualEnrollment> page = store.listEnrollments(null, 0);

        assertThat(page.items()).isEmpty();
        assertThat(page.continuation()).isNull();
    }

    @Test
    void listEnrollments_when250Items_thenDefaultPagesOf100AndNoContinuationOnTheLast() {
        List<String> ids = IntStream.range(0, 250).mapToObj(i -> String.format("device-%03d", i)).toList();
        ids.forEach(id -> store.putEnrollment(enrollment(id), null));

        Page<IndividualEnrollment> first = store.listEnrollments(null, 0);
        Page<IndividualEnrollment> second = store.listEnrollments(first.continuation(), 0);
        Page<IndividualEnrollment> last = store.listEnrollments(second.continuation(), 0);

        assertThat(first.items()).hasSize(100);
        assertThat(second.items()).hasSize(100);
        assertThat(last.items()).hasSize(50);
        assertThat(first.continuation()).isNotNull();
        assertThat(second.continuation()).isNotNull();
        assertThat(last.continuation()).isNull();
        List<String> listed = new ArrayList<>();
        List.of(first, second, last).forEach(page -> page.items().forEach(e -> listed.add(e.registrationId())));
        assertThat(listed).isEqualTo(ids);
    }

    @Test
    void listEnrollments_whenItemsFillTheLastPageExactly_thenItHasNoContinuation() {
        IntStream.range(0, 4).forEach(i -> store.putEnrollment(enrollment("device-" + i), null));

        Page<IndividualEnrollment> first = store.listEnrollments(null, 2);
        Page<IndividualEnrollment> last = store.listEnrollments(first.continuation(), 2);

        assertThat(last.items()).extracting(IndividualEnrollment::registrationId)
                .containsExactly("device-2", "device-3");
        assertThat(last.continuation()).isNull();
    }

    @Test
    void listEnrollments_whenIdsDifferInCase_thenOrderedByLowerCasedId() {
        List.of("b-device", "A-device", "c-device", "B-other").forEach(id -> store.putEnrollment(enrollment(id), null));

        assertThat(store.listEnrollments(null, 0).items()).extracting(IndividualEnrollment::registrationId)
                .containsExactly("A-device", "b-device", "B-other", "c-device");
    }

    @Test
    void listEnrollments_whenItemsChangeBetweenPages_thenNextPageContinuesAfterTheLastSeen() {
        IntStream.range(0, 6).forEach(i -> store.putEnrollment(enrollment("device-" + i), null));
        Page<IndividualEnrollment> first = store.listEnrollments(null, 3);

        store.deleteEnrollment("device-2", null);
        store.deleteEnrollment("device-3", null);
        store.putEnrollment(enrollment("device-0b"), null);

        assertThat(store.listEnrollments(first.continuation(), 3).items())
                .extracting(IndividualEnrollment::registrationId).containsExactly("device-4", "device-5");
    }

    @Test
    void listEnrollments_whenContinuationIsNotAToken_thenIllegalArgument() {
        assertThatThrownBy(() -> store.listEnrollments("not a token!", 0)).isInstanceOf(IllegalArgumentException.class);
    }

    // --- enrollment groups ---

    @Test
    void putGroup_whenNew_thenStoredWithEtagAndTimestamps() {
        EnrollmentGroup stored = store.putGroup(group("group-1"), null);

        assertThat(stored.etag()).isNotBlank();
        assertThat(stored.createdDateTimeUtc()).isNotNull().isEqualTo(stored.lastUpdatedDateTimeUtc());
        assertThat(store.findGroup("GROUP-1")).contains(stored);
        assertThat(store.findEnrollment("group-1")).isEmpty();
    }

    @Test
    void putGroup_whenEveryFieldIsSet_thenDocumentReadsBackUnchanged() {
        EnrollmentGroup sent = fullGroup("Plant-North");

        EnrollmentGroup stored = store.putGroup(sent, null);

        EnrollmentGroup expected = sent.withStoreFields(stored.etag(), stored.createdDateTimeUtc(),
                stored.lastUpdatedDateTimeUtc());
        assertThat(stored).isEqualTo(expected);
        assertThat(store.findGroup("plant-north")).contains(expected);
    }

    @Test
    void putGroup_whenReplacing_thenNewEtagAndCreatedKept() {
        EnrollmentGroup first = store.putGroup(group("group-1"), null);

        EnrollmentGroup second = store.putGroup(group("Group-1"), "\"" + first.etag() + "\"");

        assertThat(second.etag()).isNotEqualTo(first.etag());
        assertThat(second.createdDateTimeUtc()).isEqualTo(first.createdDateTimeUtc());
        assertThat(store.findGroup("group-1")).map(EnrollmentGroup::enrollmentGroupId).contains("Group-1");
    }

    @Test
    void putGroup_whenIfMatchIsStaleOrGroupAbsent_thenPreconditionFailed() {
        EnrollmentGroup first = store.putGroup(group("group-1"), null);
        store.putGroup(group("group-1"), "*");

        assertThatThrownBy(() -> store.putGroup(group("group-1"), first.etag()))
                .isInstanceOf(PreconditionFailedException.class);
        assertThatThrownBy(() -> store.putGroup(group("group-2"), "*"))
                .isInstanceOf(PreconditionFailedException.class);
    }

    @Test
    void deleteGroup_whenPresentAbsentOrStale_thenDeletesOnlyWhenAllowed() {
        EnrollmentGroup first = store.putGroup(group("group-1"), null);
        EnrollmentGroup current = store.putGroup(group("group-1"), null);

        assertThatThrownBy(() -> store.deleteGroup("group-1", first.etag()))
                .isInstanceOf(PreconditionFailedException.class);
        assertThat(store.deleteGroup("GROUP-1", current.etag())).isTrue();
        assertThat(store.deleteGroup("group-1", null)).isFalse();
        assertThat(store.findGroup("group-1")).isEmpty();
    }

    @Test
    void listGroups_whenSeveralPages_thenAllGroupsInIdOrder() {
        List.of("g-c", "G-A", "g-b", "g-e", "g-d").forEach(id -> store.putGroup(group(id), null));

        assertThat(listAll(store::listGroups, 2)).extracting(EnrollmentGroup::enrollmentGroupId)
                .containsExactly("G-A", "g-b", "g-c", "g-d", "g-e");
    }

    // --- registration records ---

    @Test
    void putRegistration_whenNew_thenStoreSetsEtagAndTimestamps() {
        Instant before = Instant.now().truncatedTo(ChronoUnit.MICROS);
        RegistrationRecord stored = store.putRegistration(registration("device-1", null));
        Instant after = Instant.now();

        assertThat(stored.etag()).isNotBlank();
        assertThat(stored.createdDateTimeUtc()).isBetween(before, after);
        assertThat(stored.lastUpdatedDateTimeUtc()).isEqualTo(stored.createdDateTimeUtc());
        assertThat(store.findRegistration("DEVICE-1")).contains(stored);
    }

    @Test
    void putRegistration_whenNewRecordCarriesItsCreationTime_thenItIsKeptToTheMicrosecond() {
        Instant created = Instant.parse("2024-05-06T07:08:09.1234567Z");
        RegistrationRecord sent = registration("device-1", null).withStoreFields(null, created, null);

        RegistrationRecord stored = store.putRegistration(sent);

        assertThat(stored.createdDateTimeUtc()).isEqualTo(Instant.parse("2024-05-06T07:08:09.123456Z"));
        assertThat(stored.lastUpdatedDateTimeUtc()).isAfter(created);
    }

    @Test
    void putRegistration_whenReplacing_thenNewEtagAndExistingCreationTimeKept() {
        RegistrationRecord first = store.putRegistration(registration("device-1", null));
        RegistrationRecord again = registration("Device-1", "group-1")
                .withStoreFields("stale", Instant.parse("2000-01-01T00:00:00Z"), null);

        RegistrationRecord second = store.putRegistration(again);

        assertThat(second.etag()).isNotEqualTo(first.etag());
        assertThat(second.createdDateTimeUtc()).isEqualTo(first.createdDateTimeUtc());
        assertThat(second.registrationId()).isEqualTo("Device-1");
        assertThat(store.findRegistration("device-1")).contains(second);
    }

    @Test
    void putRegistration_whenEveryFieldIsSet_thenRecordAndPayloadReadBackUnchanged() {
        RegistrationRecord sent = fullRegistration("device-1");

        RegistrationRecord stored = store.putRegistration(sent);

        RegistrationRecord expected = sent.withStoreFields(stored.etag(), sent.createdDateTimeUtc(),
                stored.lastUpdatedDateTimeUtc());
        assertThat(stored).isEqualTo(expected);
        assertThat(stored.etag()).isNotEqualTo(sent.etag());
        assertThat(stored.lastUpdatedDateTimeUtc()).isAfter(sent.lastUpdatedDateTimeUtc());
        assertThat(store.findRegistration("device-1")).contains(expected);
    }

    @Test
    void putRegistration_whenCallerMutatesPayloadsAfterwards_thenStoredRecordIsUnaffected() {
        ObjectNode payload = (ObjectNode) json("{\"hub\":\"a\"}");
        RegistrationRecord sent = new RegistrationRecord("device-1", null, AttestationType.SYMMETRIC_KEY, "device-1",
                "hub1.azure-devices.net", RegistrationStatus.ASSIGNED, null, null, null, payload, null, null, null,
                null, null, null, null);
        ObjectNode returned = (ObjectNode) store.putRegistration(sent).payload();

        payload.put("hub", "b");
        returned.put("hub", "c");
        ((ObjectNode) store.findRegistration("device-1").orElseThrow().payload()).put("hub", "d");

        assertThat(store.findRegistration("device-1").orElseThrow().payload()).isEqualTo(json("{\"hub\":\"a\"}"));
    }

    @Test
    void write_whenBatchHoldsRecordsAndOperations_thenAllStoredAndRecordsReturnedInOrder() {
        RegistrationRecord existing = store.putRegistration(registration("device-2", null));

        List<RegistrationRecord> stored = store.write(new WriteBatch(
                List.of(registration("device-1", null), registration("DEVICE-2", "group-1")),
                List.of(assignedOperation("op-1", "device-1"))));

        assertThat(stored).extracting(RegistrationRecord::registrationId).containsExactly("device-1", "DEVICE-2");
        assertThat(stored).allSatisfy(record -> assertThat(record.etag()).isNotBlank());
        assertThat(store.findRegistration("device-1")).contains(stored.get(0));
        assertThat(store.findRegistration("device-2")).contains(stored.get(1));
        assertThat(stored.get(1).createdDateTimeUtc()).isEqualTo(existing.createdDateTimeUtc());
        assertThat(store.findOperation("op-1").orElseThrow().status()).isEqualTo(RegistrationStatus.ASSIGNED);
    }

    @Test
    void write_whenOneItemIsInvalid_thenNothingOfTheBatchIsWritten() {
        RegistrationRecord invalid = registration(" ", null);

        assertThatThrownBy(() -> store.write(new WriteBatch(List.of(registration("device-1", null), invalid),
                List.of(assignedOperation("op-1", "device-1")))))
                .isInstanceOf(IllegalArgumentException.class);

        assertThat(store.findRegistration("device-1")).isEmpty();
        assertThat(store.findOperation("op-1")).isEmpty();
    }

    @Test
    void write_whenBatchIsEmpty_thenNothingHappens() {
        assertThat(store.write(new WriteBatch(List.of(), List.of()))).isEmpty();
    }

    @Test
    void deleteRegistration_whenIfMatchStaleMatchingOrAbsent_thenDeletesOnlyWhenAllowed() {
        RegistrationRecord first = store.putRegistration(registration("device-1", null));
        RegistrationRecord current = store.putRegistration(registration("device-1", null));

        assertThatThrownBy(() -> store.deleteRegistration("device-1", first.etag()))
                .isInstanceOf(PreconditionFailedException.class);
        assertThat(store.deleteRegistration("DEVICE-1", "\"" + current.etag() + "\"")).isTrue();
        assertThat(store.deleteRegistration("device-1", null)).isFalse();
        assertThatThrownBy(() -> store.deleteRegistration("device-1", "*"))
                .isInstanceOf(PreconditionFailedException.class);
        assertThat(store.findRegistration("device-1")).isEmpty();
    }

    @Test
    void listRegistrations_whenGroupGiven_thenOnlyThatGroupsRecordsWhateverTheCase() {
        for (int i = 0; i < 7; i++) {
            store.putRegistration(registration("a-device-" + i, i % 2 == 0 ? "Group-A" : "group-b"));
        }
        store.putRegistration(registration("a-device-9", null));

        assertThat(listAll((c, n) -> store.listRegistrations("GROUP-a", c, n), 2))
                .extracting(RegistrationRecord::registrationId)
                .containsExactly("a-device-0", "a-device-2", "a-device-4", "a-device-6");
        assertThat(listAll((c, n) -> store.listRegistrations("group-B", c, n), 2)).hasSize(3);
        assertThat(store.listRegistrations("group-c", null, 0).items()).isEmpty();
    }

    @Test
    void listRegistrations_whenGroupIsNull_thenEveryRecord() {
        store.putRegistration(registration("device-b", "group-1"));
        store.putRegistration(registration("device-a", null));
        store.putRegistration(registration("device-c", "group-2"));

        assertThat(listAll((c, n) -> store.listRegistrations(null, c, n), 2))
                .extracting(RegistrationRecord::registrationId).containsExactly("device-a", "device-b", "device-c");
    }

    // --- retired registration records ---

    @Test
    void findRetiredRegistration_whenNeverDeleted_thenEmpty() {
        store.putRegistration(registration("device-1", null));

        assertThat(store.findRetiredRegistration("device-1")).isEmpty();
        assertThat(store.findRetiredRegistration("nobody")).isEmpty();
    }

    @Test
    void findRetiredRegistration_whenIdIsNullOrBlank_thenIllegalArgument() {
        assertThatThrownBy(() -> store.findRetiredRegistration(null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.findRetiredRegistration(" ")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void deleteRegistration_keepsTheDeletedRecordWholeAsTheRetiredRecordWithItsHubAndDeviceId() {
        RegistrationRecord stored = store.putRegistration(fullRegistration("device-1"));

        assertThat(store.deleteRegistration("device-1", null)).isTrue();

        RegistrationRecord retired = store.findRetiredRegistration("device-1").orElseThrow();
        assertThat(retired).isEqualTo(stored);
        assertThat(retired.assignedHub()).isEqualTo("hub2.azure-devices.net");
        assertThat(retired.deviceId()).isEqualTo("device-device-1");
        ((ObjectNode) retired.payload()).put("changed", true);
        assertThat(store.findRetiredRegistration("device-1")).contains(stored);
    }

    @Test
    void deleteRegistration_whenRetired_thenTheRecordIsNeitherFoundNorListed() {
        store.putRegistration(registration("device-1", "group-1"));
        store.putRegistration(registration("device-2", "group-1"));

        store.deleteRegistration("device-1", null);

        assertThat(store.findRegistration("device-1")).isEmpty();
        assertThat(listAll((c, n) -> store.listRegistrations(null, c, n), 1))
                .extracting(RegistrationRecord::registrationId).containsExactly("device-2");
        assertThat(listAll((c, n) -> store.listRegistrations("group-1", c, n), 1))
                .extracting(RegistrationRecord::registrationId).containsExactly("device-2");
    }

    @Test
    void deleteRegistration_whenARecreatedRecordIsDeletedAgain_thenItReplacesTheRetiredRecord() {
        RegistrationRecord first = store.putRegistration(registration("device-1", null));
        store.deleteRegistration("device-1", null);
        RegistrationRecord second = store.putRegistration(fullRegistration("device-1"));

        assertThat(store.findRetiredRegistration("device-1")).as("a new live record leaves it").contains(first);
        store.deleteRegistration("device-1", second.etag());

        assertThat(store.findRetiredRegistration("device-1")).contains(second);
        assertThat(store.findRegistration("device-1")).isEmpty();
    }

    @Test
    void findRetiredRegistration_whenIdDiffersInCase_thenFoundWithItsOriginalCase() {
        RegistrationRecord stored = store.putRegistration(registration("Device-1", null));

        store.deleteRegistration("DEVICE-1", null);

        assertThat(store.findRetiredRegistration("device-1")).contains(stored);
        assertThat(store.findRetiredRegistration("DEVICE-1")).map(RegistrationRecord::registrationId)
                .contains("Device-1");
    }

    @Test
    void deleteRegistration_whenIfMatchFailsOrNothingIsDeleted_thenTheRetiredRecordIsUnchanged() {
        RegistrationRecord retired = store.putRegistration(registration("device-1", null));
        store.deleteRegistration("device-1", null);
        RegistrationRecord stale = store.putRegistration(fullRegistration("device-1"));
        RegistrationRecord current = store.putRegistration(fullRegistration("device-1"));

        assertThatThrownBy(() -> store.deleteRegistration("device-1", stale.etag()))
                .isInstanceOf(PreconditionFailedException.class);
        assertThat(store.findRegistration("device-1")).contains(current);
        assertThat(store.findRetiredRegistration("device-1")).contains(retired);

        assertThatThrownBy(() -> store.deleteRegistration("device-2", "*"))
                .isInstanceOf(PreconditionFailedException.class);
        assertThat(store.deleteRegistration("device-2", null)).isFalse();
        assertThat(store.findRetiredRegistration("device-2")).isEmpty();
    }

    // --- CA certificates ---

    @Test
    void findCaCertificate_whenAbsent_thenEmpty() {
        assertThat(store.findCaCertificate("plant-root")).isEmpty();
        assertThat(store.findCaCertificate("not a valid name!")).as("a name no certificate can have").isEmpty();
        assertThat(store.listCaCertificates()).isEmpty();
    }

    @Test
    void findCaCertificate_whenNameIsNullOrBlank_thenIllegalArgument() {
        assertThatThrownBy(() -> store.findCaCertificate(null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.findCaCertificate(" ")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void putCaCertificate_whenNew_thenStoreSetsEtagAndTimestamps() {
        Instant before = Instant.now().truncatedTo(ChronoUnit.MICROS);
        CaCertificate stored = store.putCaCertificate(caCertificate("plant-root"), null);
        Instant after = Instant.now();

        assertThat(stored.name()).isEqualTo("plant-root");
        assertThat(stored.certificate()).isEqualTo(TestDocuments.PEM);
        assertThat(stored.etag()).isNotBlank();
        assertThat(stored.createdDateTimeUtc()).isBetween(before, after);
        assertThat(stored.lastUpdatedDateTimeUtc()).isEqualTo(stored.createdDateTimeUtc());
        assertThat(store.findCaCertificate("plant-root")).contains(stored);
        assertThat(store.listCaCertificates()).containsExactly(stored);
    }

    @Test
    void putCaCertificate_whenClientSendsStoreFields_thenStoreReplacesThem() {
        CaCertificate sent = new CaCertificate("plant-root", TestDocuments.PEM, Instant.parse("2000-01-01T00:00:00Z"),
                Instant.parse("2000-01-02T00:00:00Z"), "client-etag");

        CaCertificate stored = store.putCaCertificate(sent, null);

        assertThat(stored.etag()).isNotEqualTo("client-etag");
        assertThat(stored.createdDateTimeUtc()).isAfter(Instant.parse("2020-01-01T00:00:00Z"));
        assertThat(stored.lastUpdatedDateTimeUtc()).isAfter(Instant.parse("2020-01-01T00:00:00Z"));
    }

    @Test
    void putCaCertificate_whenTextIsNotAValidCertificate_thenKeptExactlyAsGiven() {
        String text = "  not parsed by the store\r\n-----BEGIN CERTIFICATE-----\r\nAAAA\r\n\t\u00e9 \n";

        CaCertificate stored = store.putCaCertificate(CaCertificate.of("odd-text", text), null);

        assertThat(stored.certificate()).isEqualTo(text);
        assertThat(store.findCaCertificate("odd-text")).map(CaCertificate::certificate).contains(text);
    }

    @Test
    void putCaCertificate_whenReplacing_thenNewEtagNewTextAndCreatedKept() {
        CaCertificate first = store.putCaCertificate(caCertificate("plant-root"), null);
        String rolled = TestDocuments.PEM.replace("MIIB", "MIIC");

        CaCertificate second = store.putCaCertificate(CaCertificate.of("plant-root", rolled), null);

        assertThat(second.etag()).isNotEqualTo(first.etag());
        assertThat(second.createdDateTimeUtc()).isEqualTo(first.createdDateTimeUtc());
        assertThat(second.lastUpdatedDateTimeUtc()).isAfterOrEqualTo(first.lastUpdatedDateTimeUtc());
        assertThat(store.findCaCertificate("plant-root")).map(CaCertificate::certificate).contains(rolled);
        assertThat(store.listCaCertificates()).containsExactly(second);
    }

    @Test
    void findCaCertificate_whenNameDiffersInCase_thenFoundWithItsOriginalCase() {
        store.putCaCertificate(caCertificate("Plant-Root"), null);

        assertThat(store.findCaCertificate("plant-root")).map(CaCertificate::name).contains("Plant-Root");
        assertThat(store.findCaCertificate("PLANT-ROOT")).isPresent();
    }

    @Test
    void putCaCertificate_whenNameDiffersInCaseFromExisting_thenReplacesTheSameCertificate() {
        CaCertificate first = store.putCaCertificate(caCertificate("plant-root"), null);

        CaCertificate second = store.putCaCertificate(caCertificate("PLANT-ROOT"), null);

        assertThat(second.createdDateTimeUtc()).isEqualTo(first.createdDateTimeUtc());
        assertThat(store.listCaCertificates()).containsExactly(second);
    }

    @Test
    void putCaCertificate_whenNamesAreSharedWithEnrollmentsAndGroups_thenTheyAreSeparate() {
        store.putGroup(group("plant"), null);
        store.putEnrollment(enrollment("plant"), null);

        store.putCaCertificate(caCertificate("plant"), null);
        store.deleteGroup("plant", null);

        assertThat(store.findCaCertificate("plant")).isPresent();
        assertThat(store.findEnrollment("plant")).isPresent();
        assertThat(store.deleteCaCertificate("plant", null)).isTrue();
        assertThat(store.findEnrollment("plant")).isPresent();
    }

    @Test
    void putCaCertificate_whenIfMatchIsCurrentQuotedOrStar_thenReplaced() {
        CaCertificate first = store.putCaCertificate(caCertificate("plant-root"), null);

        CaCertificate second = store.putCaCertificate(caCertificate("plant-root"), first.etag());
        CaCertificate third = store.putCaCertificate(caCertificate("plant-root"), "\"" + second.etag() + "\"");
        CaCertificate fourth = store.putCaCertificate(caCertificate("Plant-Root"), "*");

        assertThat(List.of(first.etag(), second.etag(), third.etag(), fourth.etag())).doesNotHaveDuplicates();
        assertThat(store.findCaCertificate("plant-root")).contains(fourth);
    }

    @Test
    void putCaCertificate_whenIfMatchIsStale_thenPreconditionFailedAndUnchanged() {
        CaCertificate first = store.putCaCertificate(caCertificate("plant-root"), null);
        CaCertificate current = store.putCaCertificate(caCertificate("plant-root"), null);

        assertThatThrownBy(() -> store.putCaCertificate(CaCertificate.of("plant-root", "lost"), first.etag()))
                .isInstanceOf(PreconditionFailedException.class)
                .hasMessageContaining("plant-root");
        assertThat(store.findCaCertificate("plant-root")).contains(current);
    }

    @Test
    void putCaCertificate_whenIfMatchGivenAndCertificateAbsent_thenPreconditionFailedAndNothingCreated() {
        assertThatThrownBy(() -> store.putCaCertificate(caCertificate("plant-root"), "*"))
                .isInstanceOf(PreconditionFailedException.class);
        assertThatThrownBy(() -> store.putCaCertificate(caCertificate("plant-root"), "some-etag"))
                .isInstanceOf(PreconditionFailedException.class);
        assertThat(store.findCaCertificate("plant-root")).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("invalidCaCertificateNames")
    void putCaCertificate_whenNameBreaksTheRegistrationIdRules_thenIllegalArgumentWithTheProblem(String name) {
        String problem = RegistrationIds.problem(name).orElseThrow();
        long version = store.enrollmentVersion();

        assertThatThrownBy(() -> store.putCaCertificate(caCertificate(name), null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(problem);
        assertThat(store.listCaCertificates()).isEmpty();
        assertThat(store.enrollmentVersion()).isEqualTo(version);
    }

    static List<String> invalidCaCertificateNames() {
        return Arrays.asList(null, "", " ", "plant root", "plant/root", "plant-root.", "plant-root_",
                "plant-root:", "pl\u00e4nt-root", "x".repeat(RegistrationIds.MAX_LENGTH + 1));
    }

    @ParameterizedTest
    @MethodSource("validCaCertificateNames")
    void putCaCertificate_whenNameFollowsTheRegistrationIdRules_thenStored(String name) {
        store.putCaCertificate(caCertificate(name), null);

        assertThat(store.findCaCertificate(name.toUpperCase(Locale.ROOT))).map(CaCertificate::name)
                .contains(name);
    }

    static List<String> validCaCertificateNames() {
        return List.of("a", "7", "Plant.Root_CA:2024-", "x".repeat(RegistrationIds.MAX_LENGTH));
    }

    @Test
    void putCaCertificate_whenCertificateTextIsMissingOrBlank_thenIllegalArgumentAndNothingStored() {
        for (String text : Arrays.asList(null, "", " \r\n\t")) {
            assertThatThrownBy(() -> store.putCaCertificate(CaCertificate.of("plant-root", text), null))
                    .as("certificate %s", text == null ? "null" : "'" + text + "'")
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("plant-root");
        }
        assertThatThrownBy(() -> store.putCaCertificate(null, null)).isInstanceOf(IllegalArgumentException.class);
        assertThat(store.listCaCertificates()).isEmpty();
    }

    @Test
    void putCaCertificate_whenReplacingWithBlankText_thenIllegalArgumentAndTheOldOneKept() {
        CaCertificate stored = store.putCaCertificate(caCertificate("plant-root"), null);

        assertThatThrownBy(() -> store.putCaCertificate(CaCertificate.of("plant-root", " "), "*"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(store.findCaCertificate("plant-root")).contains(stored);
    }

    @Test
    void deleteCaCertificate_whenPresent_thenTrueAndGone() {
        store.putCaCertificate(caCertificate("plant-root"), null);
        store.putCaCertificate(caCertificate("plant-root-2"), null);

        assertThat(store.deleteCaCertificate("PLANT-ROOT", null)).isTrue();
        assertThat(store.findCaCertificate("plant-root")).isEmpty();
        assertThat(store.listCaCertificates()).extracting(CaCertificate::name).containsExactly("plant-root-2");
    }

    @Test
    void deleteCaCertificate_whenAbsent_thenFalse() {
        assertThat(store.deleteCaCertificate("nothing", null)).isFalse();
    }

    @Test
    void deleteCaCertificate_whenIfMatchStaleMatchingOrAbsent_thenDeletesOnlyWhenAllowed() {
        CaCertificate first = store.putCaCertificate(caCertificate("plant-root"), null);
        CaCertificate current = store.putCaCertificate(caCertificate("plant-root"), null);

        assertThatThrownBy(() -> store.deleteCaCertificate("plant-root", first.etag()))
                .isInstanceOf(PreconditionFailedException.class);
        assertThat(store.findCaCertificate("plant-root")).contains(current);
        assertThat(store.deleteCaCertificate("Plant-Root", "\"" + current.etag() + "\"")).isTrue();
        assertThatThrownBy(() -> store.deleteCaCertificate("plant-root", "*"))
                .isInstanceOf(PreconditionFailedException.class);
        assertThat(store.findCaCertificate("plant-root")).isEmpty();
    }

    @Test
    void listCaCertificates_whenNamesDifferInCase_thenOrderedByLowerCasedName() {
        List.of("b-ca", "A-ca", "c-ca", "B-other", "a.ca", "a-CA-2")
                .forEach(name -> store.putCaCertificate(caCertificate(name), null));

        assertThat(store.listCaCertificates()).extracting(CaCertificate::name)
                .containsExactly("A-ca", "a-CA-2", "a.ca", "b-ca", "B-other", "c-ca");
    }

    @Test
    void putCaCertificate_when25Exist_thenCreatingAnotherIsStoreFullAndReplacingIsFine() {
        List<String> names = IntStream.range(0, CaCertificate.MAX_COUNT).mapToObj(i -> "ca-" + i).toList();
        names.forEach(name -> store.putCaCertificate(caCertificate(name), null));
        long version = store.enrollmentVersion();

        assertThatThrownBy(() -> store.putCaCertificate(caCertificate("ca-one-too-many"), null))
                .isInstanceOf(StoreFullException.class)
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("ca-one-too-many")
                .hasMessageContaining("25");
        assertThat(store.findCaCertificate("ca-one-too-many")).isEmpty();
        assertThat(store.listCaCertificates()).hasSize(25);
        assertThat(store.enrollmentVersion()).as("a refused write changes nothing").isEqualTo(version);

        CaCertificate replaced = store.putCaCertificate(CaCertificate.of("CA-7", "rolled"), "*");
        assertThat(store.findCaCertificate("ca-7")).contains(replaced);
        assertThat(store.listCaCertificates()).hasSize(25);

        store.deleteCaCertificate("ca-3", null);
        store.putCaCertificate(caCertificate("ca-one-too-many"), null);
        assertThat(store.listCaCertificates()).hasSize(25);
        assertThatThrownBy(() -> store.putCaCertificate(caCertificate("ca-3"), null))
                .isInstanceOf(StoreFullException.class);
    }

    @Test
    void putCaCertificate_whenThreadsCreateMoreThanTheLimitAtOnce_thenExactly25AreCreated() throws Exception {
        int threads = 8;
        int perThread = 5;
        AtomicInteger created = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();

        runConcurrently(threads, thread -> {
            for (int i = 0; i < perThread; i++) {
                try {
                    store.putCaCertificate(caCertificate("ca-" + thread + "-" + i), null);
                    created.incrementAndGet();
                } catch (StoreFullException full) {
                    refused.incrementAndGet();
                }
            }
        });

        assertThat(created).hasValue(CaCertificate.MAX_COUNT);
        assertThat(refused).hasValue(threads * perThread - CaCertificate.MAX_COUNT);
        assertThat(store.listCaCertificates()).hasSize(CaCertificate.MAX_COUNT);
    }

    @Test
    void enrollmentVersion_whenCaCertificatesAreWrittenOrDeleted_thenChangesEveryTime() {
        Set<Long> seen = new HashSet<>();
        seen.add(store.enrollmentVersion());

        CaCertificate created = store.putCaCertificate(caCertificate("plant-root"), null);
        assertThat(seen.add(store.enrollmentVersion())).as("after CA certificate create").isTrue();
        store.putCaCertificate(caCertificate("plant-root"), created.etag());
        assertThat(seen.add(store.enrollmentVersion())).as("after CA certificate replace").isTrue();
        store.deleteCaCertificate("plant-root", null);
        assertThat(seen.add(store.enrollmentVersion())).as("after CA certificate delete").isTrue();
    }

    @Test
    void enrollmentVersion_whenOnlyReadingCaCertificatesOrFailingAWrite_thenUnchanged() {
        CaCertificate stored = store.putCaCertificate(caCertificate("plant-root"), null);
        long version = store.enrollmentVersion();

        store.findCaCertificate("plant-root");
        store.listCaCertificates();
        assertThatThrownBy(() -> store.putCaCertificate(caCertificate("plant-root"), "stale"))
                .isInstanceOf(PreconditionFailedException.class);
        assertThatThrownBy(() -> store.deleteCaCertificate("plant-root", "stale"))
                .isInstanceOf(PreconditionFailedException.class);
        assertThatThrownBy(() -> store.putCaCertificate(CaCertificate.of("plant-root", ""), null))
                .isInstanceOf(IllegalArgumentException.class);

        assertThat(store.enrollmentVersion()).isEqualTo(version);
        assertThat(store.findCaCertificate("plant-root")).contains(stored);
    }

    @Test
    void reopen_whenStoreIsDurable_thenCaCertificatesSurviveWithTheirLimitAndVersion() {
        List<CaCertificate> kept = new ArrayList<>();
        for (int i = 0; i < CaCertificate.MAX_COUNT; i++) {
            kept.add(store.putCaCertificate(caCertificate("CA-" + (char) ('a' + i)), null));
        }
        store.deleteCaCertificate("ca-b", null);
        kept.remove(1);
        CaCertificate replaced = store.putCaCertificate(CaCertificate.of("ca-c", "rolled"), null);
        kept.set(1, replaced);
        CaCertificate last = store.putCaCertificate(caCertificate("ca-zz"), null);
        kept.add(last);
        long version = store.enrollmentVersion();

        store.close();
        Optional<Store> reopened = reopenStore(store);
        assumeTrue(reopened.isPresent(), "this store keeps nothing after close");
        store = reopened.get();

        assertThat(store.listCaCertificates()).containsExactlyElementsOf(kept);
        assertThat(store.findCaCertificate("CA-C")).contains(replaced);
        assertThat(store.findCaCertificate("ca-b")).isEmpty();
        assertThat(store.enrollmentVersion()).isEqualTo(version);
        assertThatThrownBy(() -> store.putCaCertificate(caCertificate("ca-b"), null))
                .isInstanceOf(StoreFullException.class);
        store.deleteCaCertificate("ca-zz", last.etag());
        assertThat(store.enrollmentVersion()).isGreaterThan(version);
    }

    // --- operations ---

    @Test
    void findOperation_whenAbsent_thenEmpty() {
        assertThat(store.findOperation("4.0123456789abcdef.no-such-operation")).isEmpty();
    }

    @Test
    void findOperation_whenIdIsNullOrBlank_thenIllegalArgument() {
        assertThatThrownBy(() -> store.findOperation(null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.findOperation(" ")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void putOperation_whenNewAndAssigning_thenFoundWithStoreTimestampsAndNoResult() {
        Instant before = Instant.now().truncatedTo(ChronoUnit.MICROS);
        store.putOperation(assigningOperation("op-1", "Device-1"));
        Instant after = Instant.now();

        OperationRecord found = store.findOperation("op-1").orElseThrow();

        assertThat(found.operationId()).isEqualTo("op-1");
        assertThat(found.registrationId()).isEqualTo("Device-1");
        assertThat(found.status()).isEqualTo(RegistrationStatus.ASSIGNING);
        assertThat(found.result()).isNull();
        assertThat(found.createdDateTimeUtc()).isBetween(before, after);
        assertThat(found.lastUpdatedDateTimeUtc()).isEqualTo(found.createdDateTimeUtc());
        assertThat(store.findOperation("op-1")).contains(found);
    }

    @Test
    void putOperation_whenItCarriesAResult_thenTheResultReadsBackUnchanged() {
        OperationRecord sent = assignedOperation("4.5e4b0d2f9e7c1a3b.0c9d7f0e-1a2b-4c3d-9e8f-a1b2c3d4e5f6", "device-1");

        store.putOperation(sent);

        OperationRecord found = store.findOperation(sent.operationId()).orElseThrow();
        assertThat(found).isEqualTo(sent.withStoreFields(found.createdDateTimeUtc(),
                found.lastUpdatedDateTimeUtc()));
        assertThat(found.result()).isEqualTo(sent.result());
        assertThat(found.result().get("payload").get("big").doubleValue()).isEqualTo(1.0E20);
    }

    @Test
    void putOperation_whenNewOperationCarriesItsTimestamps_thenCreationKeptToTheMicrosecondAndUpdateIsNow() {
        Instant created = Instant.parse("2024-05-06T07:08:09.1234567Z");
        OperationRecord sent = assigningOperation("op-1", "device-1")
                .withStoreFields(created, Instant.parse("2000-01-01T00:00:00Z"));
        Instant before = Instant.now().truncatedTo(ChronoUnit.MICROS);

        store.putOperation(sent);

        OperationRecord found = store.findOperation("op-1").orElseThrow();
        assertThat(found.createdDateTimeUtc()).isEqualTo(Instant.parse("2024-05-06T07:08:09.123456Z"));
        assertThat(found.lastUpdatedDateTimeUtc()).isAfterOrEqualTo(before);
    }

    @Test
    void putOperation_whenUpdating_thenCreationKeptAndLastUpdatedMovesOnEveryWrite() {
        store.putOperation(assigningOperation("op-1", "device-1"));
        OperationRecord first = store.findOperation("op-1").orElseThrow();

        OperationRecord sent = assignedOperation("op-1", "device-1")
                .withStoreFields(Instant.parse("2000-01-01T00:00:00Z"), Instant.parse("2000-01-02T00:00:00Z"));
        store.putOperation(sent);
        OperationRecord second = store.findOperation("op-1").orElseThrow();
        store.putOperation(sent);
        OperationRecord third = store.findOperation("op-1").orElseThrow();

        assertThat(second.createdDateTimeUtc()).isEqualTo(first.createdDateTimeUtc());
        assertThat(second.lastUpdatedDateTimeUtc()).isAfter(first.lastUpdatedDateTimeUtc());
        assertThat(third.createdDateTimeUtc()).isEqualTo(first.createdDateTimeUtc());
        assertThat(third.lastUpdatedDateTimeUtc()).isAfter(second.lastUpdatedDateTimeUtc());
        assertThat(List.of(first, second, third)).allSatisfy(operation -> {
            assertThat(operation.createdDateTimeUtc().getNano() % 1_000).isZero();
            assertThat(operation.lastUpdatedDateTimeUtc().getNano() % 1_000).isZero();
        });
        assertThat(second.status()).isEqualTo(RegistrationStatus.ASSIGNED);
        assertThat(second.result()).isEqualTo(sent.result());
    }

    @Test
    void findOperation_whenIdDiffersInCase_thenItIsAnotherOperation() {
        store.putOperation(assigningOperation("Op-MiXed", "device-1"));

        assertThat(store.findOperation("op-mixed")).isEmpty();
        assertThat(store.findOperation("OP-MIXED")).isEmpty();

        store.putOperation(assignedOperation("op-mixed", "device-2"));

        assertThat(store.findOperation("Op-MiXed")).map(OperationRecord::registrationId).contains("device-1");
        assertThat(store.findOperation("Op-MiXed")).map(OperationRecord::status).contains(RegistrationStatus.ASSIGNING);
        assertThat(store.findOperation("op-mixed")).map(OperationRecord::registrationId).contains("device-2");
        assertThat(store.deleteOperationsUpdatedBefore(Instant.now().plusSeconds(60))).isEqualTo(2);
    }

    @Test
    void putOperation_whenIdsRegistrationIdOrStatusAreMissing_thenIllegalArgumentAndNothingStored() {
        assertThatThrownBy(() -> store.putOperation(null)).isInstanceOf(IllegalArgumentException.class);
        for (String id : Arrays.asList(null, "", " ")) {
            assertThatThrownBy(() -> store.putOperation(assigningOperation(id, "device-1")))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> store.putOperation(assigningOperation("op-1", id)))
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> store.putOperation(new OperationRecord("op-1", "device-1", null, null, null, null)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(store.findOperation("op-1")).isEmpty();
        assertThat(store.deleteOperationsUpdatedBefore(Instant.now().plusSeconds(60))).isZero();
    }

    @Test
    void putOperation_whenCallerMutatesTheResultAfterwards_thenStoredOperationIsUnaffected() {
        ObjectNode result = (ObjectNode) json("{\"status\":\"assigned\",\"assignedHub\":\"a\"}");
        store.putOperation(new OperationRecord("op-1", "device-1", RegistrationStatus.ASSIGNED, result, null, null));

        result.put("assignedHub", "b");
        ((ObjectNode) store.findOperation("op-1").orElseThrow().result()).put("assignedHub", "c");

        assertThat(store.findOperation("op-1").orElseThrow().result())
                .isEqualTo(json("{\"status\":\"assigned\",\"assignedHub\":\"a\"}"));
    }

    @Test
    void deleteOperationsUpdatedBefore_deletesOnlyOperationsUpdatedStrictlyBeforeTheCutoffAndCountsThem()
            throws InterruptedException {
        store.putOperation(assigningOperation("old-1", "device-1"));
        store.putOperation(assignedOperation("old-2", "device-2"));
        store.putOperation(assigningOperation("refreshed", "device-3"));
        Thread.sleep(5);
        store.putOperation(assignedOperation("new-1", "device-4"));
        store.putOperation(assignedOperation("refreshed", "device-3"));
        Instant cutoff = store.findOperation("new-1").orElseThrow().lastUpdatedDateTimeUtc();
        assertThat(store.findOperation("old-2").orElseThrow().lastUpdatedDateTimeUtc()).isBefore(cutoff);

        assertThat(store.deleteOperationsUpdatedBefore(cutoff)).isEqualTo(2);

        assertThat(store.findOperation("old-1")).isEmpty();
        assertThat(store.findOperation("old-2")).isEmpty();
        assertThat(store.findOperation("new-1")).as("updated exactly at the cutoff").isPresent();
        assertThat(store.findOperation("refreshed")).map(OperationRecord::status)
                .contains(RegistrationStatus.ASSIGNED);
        assertThat(store.deleteOperationsUpdatedBefore(cutoff)).isZero();
    }

    @Test
    void deleteOperationsUpdatedBefore_whenCutoffFallsWithinTheMicrosecondOfAnUpdate_thenComparesExactly() {
        store.putOperation(assigningOperation("op-1", "device-1"));
        Instant updated = store.findOperation("op-1").orElseThrow().lastUpdatedDateTimeUtc();

        assertThat(store.deleteOperationsUpdatedBefore(updated)).isZero();
        assertThat(store.deleteOperationsUpdatedBefore(updated.minusNanos(1))).isZero();
        assertThat(store.deleteOperationsUpdatedBefore(Instant.EPOCH)).isZero();
        assertThat(store.deleteOperationsUpdatedBefore(Instant.MIN)).isZero();
        assertThat(store.findOperation("op-1")).isPresent();

        assertThat(store.deleteOperationsUpdatedBefore(updated.plusNanos(1))).isEqualTo(1);
        assertThat(store.findOperation("op-1")).isEmpty();

        store.putOperation(assigningOperation("op-2", "device-2"));
        assertThat(store.deleteOperationsUpdatedBefore(Instant.MAX)).isEqualTo(1);
        assertThatThrownBy(() -> store.deleteOperationsUpdatedBefore(null))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void deleteOperationsUpdatedBefore_whenOtherDocumentsAreOlder_thenOnlyOperationsAreDeleted() {
        store.putEnrollment(enrollment("device-1"), null);
        store.putRegistration(registration("device-1", null));
        store.putCaCertificate(caCertificate("plant-root"), null);
        store.putOperation(assignedOperation("op-1", "device-1"));

        assertThat(store.deleteOperationsUpdatedBefore(Instant.now().plusSeconds(60))).isEqualTo(1);

        assertThat(store.findEnrollment("device-1")).isPresent();
        assertThat(store.findRegistration("device-1")).isPresent();
        assertThat(store.findCaCertificate("plant-root")).isPresent();
    }

    @Test
    void enrollmentVersion_whenOperationsAreWrittenOrDeleted_thenUnchanged() {
        store.putEnrollment(enrollment("device-1"), null);
        long version = store.enrollmentVersion();

        store.putOperation(assigningOperation("op-1", "device-1"));
        store.putOperation(assignedOperation("op-1", "device-1"));
        store.findOperation("op-1");
        store.deleteOperationsUpdatedBefore(Instant.now().plusSeconds(60));

        assertThat(store.enrollmentVersion()).isEqualTo(version);
    }

    @Test
    void putOperation_whenThreadsWriteTheSameOperationsAtOnce_thenOneOperationEachCreatedBeforeItsLastUpdate()
            throws Exception {
        int threads = 8;
        int operations = 40;
        Instant before = Instant.now().truncatedTo(ChronoUnit.MICROS);

        runConcurrently(threads, thread -> {
            for (int i = 0; i < operations; i++) {
                String id = "op-" + i;
                store.putOperation(thread % 2 == 0 ? assigningOperation(id, "device-" + i)
                        : assignedOperation(id, "device-" + i));
                assertThat(store.findOperation(id)).isPresent();
            }
        });

        for (int i = 0; i < operations; i++) {
            OperationRecord found = store.findOperation("op-" + i).orElseThrow();
            assertThat(found.createdDateTimeUtc()).isAfterOrEqualTo(before)
                    .isBefore(found.lastUpdatedDateTimeUtc());
        }
        assertThat(store.deleteOperationsUpdatedBefore(Instant.now().plusSeconds(60))).isEqualTo(operations);
    }

    @Test
    void reopen_whenStoreIsDurable_thenOperationsSurviveAndCleanupStillCounts() {
        store.putOperation(assigningOperation("op-assigning", "device-1"));
        store.putOperation(assigningOperation("Op-Assigned", "device-2"));
        store.putOperation(assignedOperation("Op-Assigned", "device-2"));
        OperationRecord assigning = store.findOperation("op-assigning").orElseThrow();
        OperationRecord assigned = store.findOperation("Op-Assigned").orElseThrow();
        long version = store.enrollmentVersion();

        store.close();
        Optional<Store> reopened = reopenStore(store);
        assumeTrue(reopened.isPresent(), "this store keeps nothing after close");
        store = reopened.get();

        assertThat(store.findOperation("op-assigning")).contains(assigning);
        assertThat(store.findOperation("Op-Assigned")).contains(assigned);
        assertThat(store.findOperation("op-assigned")).isEmpty();
        assertThat(store.enrollmentVersion()).isEqualTo(version);
        store.putOperation(assignedOperation("op-assigning", "device-1"));
        assertThat(store.findOperation("op-assigning")).map(OperationRecord::createdDateTimeUtc)
                .contains(assigning.createdDateTimeUtc());
        assertThat(store.deleteOperationsUpdatedBefore(assigned.lastUpdatedDateTimeUtc().plusNanos(1))).isEqualTo(1);
        assertThat(store.findOperation("op-assigning")).isPresent();
    }

    // --- enrollment version ---

    @Test
    void enrollmentVersion_whenEnrollmentsOrGroupsAreWrittenOrDeleted_thenChangesEveryTime() {
        Set<Long> seen = new HashSet<>();
        seen.add(store.enrollmentVersion());

        store.putEnrollment(enrollment("device-1"), null);
        assertThat(seen.add(store.enrollmentVersion())).as("after enrollment create").isTrue();
        store.putEnrollment(enrollment("device-1"), "*");
        assertThat(seen.add(store.enrollmentVersion())).as("after enrollment replace").isTrue();
        store.deleteEnrollment("device-1", null);
        assertThat(seen.add(store.enrollmentVersion())).as("after enrollment delete").isTrue();
        store.putGroup(group("group-1"), null);
        assertThat(seen.add(store.enrollmentVersion())).as("after group create").isTrue();
        store.deleteGroup("group-1", null);
        assertThat(seen.add(store.enrollmentVersion())).as("after group delete").isTrue();
    }

    @Test
    void enrollmentVersion_whenOnlyReadingOrFailingAWrite_thenUnchanged() {
        store.putEnrollment(enrollment("device-1"), null);
        long version = store.enrollmentVersion();

        store.findEnrollment("device-1");
        store.listGroups(null, 0);
        assertThatThrownBy(() -> store.putEnrollment(enrollment("device-1"), "stale"))
                .isInstanceOf(PreconditionFailedException.class);

        assertThat(store.enrollmentVersion()).isEqualTo(version);
    }

    // --- concurrency ---

    @Test
    void putRegistration_whenEightThreadsWriteAtOnce_thenNothingIsLost() throws Exception {
        int threads = 8;
        int perThread = 50;
        runConcurrently(threads, thread -> {
            for (int i = 0; i < perThread; i++) {
                store.putRegistration(registration("device-" + thread + "-" + i, "group-" + thread));
                store.findRegistration("device-" + thread + "-" + i).orElseThrow();
            }
        });

        assertThat(listAll((c, n) -> store.listRegistrations(null, c, n), 0)).hasSize(threads * perThread);
        assertThat(listAll((c, n) -> store.listRegistrations("GROUP-3", c, n), 7)).hasSize(perThread);
    }

    @Test
    void putEnrollment_whenConditionalReplacesRace_thenNoUpdateIsLost() throws Exception {
        int threads = 8;
        int incrementsPerThread = 10;
        store.putEnrollment(withDeviceId(enrollment("counter"), "0"), null);

        runConcurrently(threads, thread -> {
            for (int done = 0; done < incrementsPerThread; ) {
                IndividualEnrollment current = store.findEnrollment("counter").orElseThrow();
                String next = String.valueOf(Integer.parseInt(current.deviceId()) + 1);
                try {
                    store.putEnrollment(withDeviceId(current, next), current.etag());
                    done++;
                } catch (PreconditionFailedException lostTheRace) {
                    // Someone else incremented first: read again and retry.
                }
            }
        });

        assertThat(store.findEnrollment("counter")).map(IndividualEnrollment::deviceId)
                .contains(String.valueOf(threads * incrementsPerThread));
    }

    // --- durability ---

    @Test
    void reopen_whenStoreIsDurable_thenEverythingWrittenSurvives() {
        IndividualEnrollment enrollment = store.putEnrollment(TestDocuments.fullEnrollments().get(0), null);
        EnrollmentGroup group = store.putGroup(fullGroup("group-1"), null);
        RegistrationRecord record = store.putRegistration(fullRegistration("device-1"));
        RegistrationRecord retired = store.putRegistration(registration("device-2", "group-1"));
        store.deleteRegistration("device-2", null);

        store.close();
        Optional<Store> reopened = reopenStore(store);
        assumeTrue(reopened.isPresent(), "this store keeps nothing after close");
        store = reopened.get();

        assertThat(store.findEnrollment(enrollment.registrationId())).contains(enrollment);
        assertThat(store.findGroup("group-1")).contains(group);
        assertThat(store.findRegistration("device-1")).contains(record);
        assertThat(store.findRegistration("device-2")).isEmpty();
        assertThat(store.findRetiredRegistration("Device-2")).contains(retired);
        assertThat(store.findRetiredRegistration("device-1")).isEmpty();
    }

    // --- helpers ---

    /** Every item of a list, following continuations. */
    protected static <T> List<T> listAll(BiFunction<String, Integer, Page<T>> list, int maxItems) {
        List<T> all = new ArrayList<>();
        String continuation = null;
        do {
            Page<T> page = list.apply(continuation, maxItems);
            all.addAll(page.items());
            continuation = page.continuation();
        } while (continuation != null);
        return all;
    }

    @FunctionalInterface
    protected interface ThreadBody {
        void run(int thread) throws Exception;
    }

    /** Runs {@code body} on {@code threads} threads released together; rethrows the first failure. */
    protected static void runConcurrently(int threads, ThreadBody body) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Void>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                Callable<Void> task = () -> {
                    start.await();
                    body.run(thread);
                    return null;
                };
                results.add(pool.submit(task));
            }
            start.countDown();
            for (Future<Void> result : results) {
                result.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
