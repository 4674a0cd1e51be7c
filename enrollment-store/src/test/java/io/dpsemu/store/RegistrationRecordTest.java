package io.dpsemu.store;

import static io.dpsemu.store.TestDocuments.issuedCertificate;
import static io.dpsemu.store.TestDocuments.registration;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class RegistrationRecordTest {

    private static final Instant FIRST_RENEWAL = Instant.parse("2025-01-01T00:00:00Z");
    private static final Instant SECOND_RENEWAL = Instant.parse("2025-02-01T00:00:00Z");
    private static final Instant THIRD_RENEWAL = Instant.parse("2025-03-01T00:00:00Z");

    @Test
    void withIssuedCertificate_whenNoneBefore_thenCurrentAndNothingSuperseded() {
        RegistrationRecord record = registration("device-1", null).withIssuedCertificate(issuedCertificate("01"),
                FIRST_RENEWAL, 10);

        assertThat(record.issuedCertificate()).isEqualTo(issuedCertificate("01"));
        assertThat(record.supersededCertificates()).isNull();
        assertThat(record.registrationId()).isEqualTo("device-1");
    }

    @Test
    void withIssuedCertificate_whenOneIsCurrent_thenItMovesToTheHeadWithoutBodyStampedNow() {
        RegistrationRecord record = registration("device-1", null)
                .withIssuedCertificate(issuedCertificate("01"), FIRST_RENEWAL, 10)
                .withIssuedCertificate(issuedCertificate("02"), SECOND_RENEWAL, 10)
                .withIssuedCertificate(issuedCertificate("03"), THIRD_RENEWAL, 10);

        assertThat(record.issuedCertificate().serialNumber()).isEqualTo("03");
        assertThat(record.issuedCertificate().supersededDateTimeUtc()).isNull();
        assertThat(record.supersededCertificates()).extracting(IssuedCertificateRecord::serialNumber)
                .containsExactly("02", "01");
        assertThat(record.supersededCertificates()).extracting(IssuedCertificateRecord::supersededDateTimeUtc)
                .containsExactly(THIRD_RENEWAL, SECOND_RENEWAL);
        assertThat(record.supersededCertificates()).extracting(IssuedCertificateRecord::certificate)
                .containsOnlyNulls();
        assertThat(record.supersededCertificates().get(0).sha256Thumbprint())
                .isEqualTo(issuedCertificate("02").sha256Thumbprint());
    }

    @Test
    void withIssuedCertificate_whenMoreSupersededThanKept_thenOldestDropped() {
        RegistrationRecord record = registration("device-1", null)
                .withIssuedCertificate(issuedCertificate("01"), FIRST_RENEWAL, 2)
                .withIssuedCertificate(issuedCertificate("02"), SECOND_RENEWAL, 2)
                .withIssuedCertificate(issuedCertificate("03"), THIRD_RENEWAL, 2)
                .withIssuedCertificate(issuedCertificate("04"), THIRD_RENEWAL, 2);

        assertThat(record.issuedCertificate().serialNumber()).isEqualTo("04");
        assertThat(record.supersededCertificates()).extracting(IssuedCertificateRecord::serialNumber)
                .containsExactly("03", "02");
    }

    @Test
    void withIssuedCertificate_whenNoneKept_thenSupersededListAbsent() {
        RegistrationRecord record = registration("device-1", null)
                .withIssuedCertificate(issuedCertificate("01"), FIRST_RENEWAL, 0)
                .withIssuedCertificate(issuedCertificate("02"), SECOND_RENEWAL, 0);

        assertThat(record.issuedCertificate().serialNumber()).isEqualTo("02");
        assertThat(record.supersededCertificates()).isNull();
    }

    @Test
    void carryingCertificatesOf_whenPreviousHasCertificates_thenNewRecordKeepsThemAndItsOwnFields() {
        RegistrationRecord previous = registration("device-1", "group-1")
                .withIssuedCertificate(issuedCertificate("01"), FIRST_RENEWAL, 10)
                .withIssuedCertificate(issuedCertificate("02"), SECOND_RENEWAL, 10);
        RegistrationRecord reregistered = RegistrationRecord.assigned("device-1", null, null, "device-1",
                "hub2.azure-devices.net", null, null, null, null);

        RegistrationRecord carried = reregistered.carryingCertificatesOf(previous);

        assertThat(carried.issuedCertificate()).isEqualTo(previous.issuedCertificate());
        assertThat(carried.supersededCertificates()).isEqualTo(previous.supersededCertificates());
        assertThat(carried.assignedHub()).isEqualTo("hub2.azure-devices.net");
        assertThat(carried.enrollmentGroupId()).isNull();
    }

    @Test
    void carryingCertificatesOf_whenNoPreviousRecord_thenUnchanged() {
        RegistrationRecord record = registration("device-1", null);

        assertThat(record.carryingCertificatesOf(null)).isSameAs(record);
    }

    @Test
    void carryingCertificatesOf_whenPreviousHasNone_thenNoCertificates() {
        RegistrationRecord record = registration("device-1", null)
                .withIssuedCertificate(issuedCertificate("01"), FIRST_RENEWAL, 10);

        RegistrationRecord carried = record.carryingCertificatesOf(registration("device-1", null));

        assertThat(carried.issuedCertificate()).isNull();
        assertThat(carried.supersededCertificates()).isNull();
    }
}
