package io.dpsemu.server.provisioning;

import static org.assertj.core.api.Assertions.assertThat;

import io.dpsemu.protocol.auth.DerivedKeys;
import io.dpsemu.protocol.auth.SasTokens;
import io.dpsemu.protocol.auth.SasVerifier;
import io.dpsemu.protocol.enrollment.AttestationMechanism;
import io.dpsemu.protocol.enrollment.AttestationType;
import io.dpsemu.protocol.enrollment.EnrollmentGroup;
import io.dpsemu.protocol.enrollment.IndividualEnrollment;
import io.dpsemu.protocol.enrollment.ProvisioningStatus;
import io.dpsemu.protocol.enrollment.X509Attestation;
import io.dpsemu.protocol.enrollment.X509CertificateWithInfo;
import io.dpsemu.protocol.enrollment.X509Certificates;
import io.dpsemu.protocol.model.ErrorCodes;
import io.dpsemu.server.device.DeviceIdentity;
import io.dpsemu.store.memory.InMemoryStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DeviceAuthenticatorTest {

    private static final String SCOPE = "0ne00C0FFEE";
    private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");
    private static final Duration SKEW = Duration.ofSeconds(300);
    private static final Random RANDOM = new Random(42);

    private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    private final InMemoryStore store = new InMemoryStore();
    private final DeviceAuthenticator authenticator =
            new DeviceAuthenticator(store, new SasVerifier(SKEW, clock), SCOPE, clock);

    @AfterEach
    void closeStore() {
        store.close();
    }

    private static String newKey() {
        byte[] key = new byte[64];
        RANDOM.nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    private static String token(String registrationId, String key) {
        return token(SCOPE + "/registrations/" + registrationId, key, NOW.plusSeconds(3600));
    }

    private static String token(String resource, String key, Instant expiry) {
        return SasTokens.create(resource, key, expiry, "registration");
    }

    private static DeviceIdentity device(String registrationId, String sasToken) {
        return new DeviceIdentity(SCOPE, registrationId, sasToken);
    }

    private AuthOutcome.Refused refused(DeviceIdentity identity) {
        AuthOutcome outcome = authenticator.authenticate(identity);
        assertThat(outcome).isInstanceOf(AuthOutcome.Refused.class);
        AuthOutcome.Refused refused = (AuthOutcome.Refused) outcome;
        assertThat(refused.errorCode() / 1000).isEqualTo(401);
        return refused;
    }

    private EnrollmentMatch attested(DeviceIdentity identity) {
        AuthOutcome outcome = authenticator.authenticate(identity);
        assertThat(outcome).isInstanceOf(AuthOutcome.Attested.class);
        return ((AuthOutcome.Attested) outcome).match();
    }

    @Test
    void authenticate_whenIndividualPrimaryKeySigned_thenAttestedByIndividualEnrollment() {
        String primary = newKey();
        store.putEnrollment(IndividualEnrollment.symmetricKey("device-1", primary, newKey()), null);

        EnrollmentMatch match = attested(device("device-1", token("device-1", primary)));

        assertThat(match).isInstanceOf(EnrollmentMatch.Individual.class);
        assertThat(match.enrollmentGroupId()).isNull();
        assertThat(match.enabled()).isTrue();
        assertThat(match.deviceId("device-1")).isEqualTo("device-1");
    }

    @Test
    void authenticate_whenIndividualSecondaryKeySigned_thenAttested() {
        String secondary = newKey();
        store.putEnrollment(IndividualEnrollment.symmetricKey("device-1", newKey(), secondary), null);

        assertThat(attested(device("device-1", token("device-1", secondary))))
                .isInstanceOf(EnrollmentMatch.Individual.class);
    }

    @Test
    void authenticate_whenRegistrationIdCaseDiffersFromEnrollment_thenAttested() {
        String primary = newKey();
        store.putEnrollment(IndividualEnrollment.symmetricKey("Device-Mixed", primary, null), null);

        assertThat(attested(device("device-mixed", token("device-mixed", primary))))
                .isInstanceOf(EnrollmentMatch.Individual.class);
    }

    @Test
    void authenticate_whenIndividualKeyIsWrong_thenRefusedNamingIndividualKeys() {
        store.putEnrollment(IndividualEnrollment.symmetricKey("device-1", newKey(), newKey()), null);

        AuthOutcome.Refused refused = refused(device("device-1", token("device-1", newKey())));

        assertThat(refused.reason()).contains("neither key of the individual enrollment");
    }

    @Test
    void authenticate_whenIndividualAndGroupBothKnowDevice_thenIndividualEnrollmentWins() {
        String individualKey = newKey();
        String groupKey = newKey();
        store.putEnrollment(IndividualEnrollment.symmetricKey("device-1", individualKey, null), null);
        store.putGroup(EnrollmentGroup.symmetricKey("group-1", groupKey, null), null);
        String derived = DerivedKeys.deviceKey(groupKey, "device-1");

        assertThat(attested(device("device-1", token("device-1", individualKey))))
                .isInstanceOf(EnrollmentMatch.Individual.class);
        assertThat(refused(device("device-1", token("device-1", derived))).reason())
                .contains("individual enrollment");
    }

    @Test
    void authenticate_whenAnIndividualEnrollmentAppearsAfterGroupDevicesWereAttested_thenItWinsUntilDeleted() {
        // group devices skip the individual lookup while none exists: a new one must be seen at once
        String groupKey = newKey();
        String individualKey = newKey();
        store.putGroup(EnrollmentGroup.symmetricKey("group-1", groupKey, null), null);
        String derived = DerivedKeys.deviceKey(groupKey, "device-1");
        assertThat(attested(device("device-1", token("device-1", derived)))).isInstanceOf(EnrollmentMatch.Group.class);

        store.putEnrollment(IndividualEnrollment.symmetricKey("device-1", individualKey, null), null);

        assertThat(refused(device("device-1", token("device-1", derived))).reason())
                .contains("individual enrollment");
        assertThat(attested(device("device-1", token("device-1", individualKey))))
                .isInstanceOf(EnrollmentMatch.Individual.class);

        store.deleteEnrollment("device-1", null);

        assertThat(attested(device("device-1", token("device-1", derived)))).isInstanceOf(EnrollmentMatch.Group.class);
    }

    @Test
    void authenticate_whenGroupDerivedKeySigned_thenAttestedByGroup() {
        String groupKey = newKey();
        store.putGroup(EnrollmentGroup.symmetricKey("group-1", groupKey, newKey()), null);
        String derived = DerivedKeys.deviceKey(groupKey, "device-7");

        EnrollmentMatch match = attested(device("device-7", token("device-7", derived)));

        assertThat(match).isInstanceOf(EnrollmentMatch.Group.class);
        assertThat(match.enrollmentGroupId()).isEqualTo("group-1");
        assertThat(match.deviceId("device-7")).isEqualTo("device-7");
    }

    @Test
    void authenticate_whenKeyDerivedFromGroupSecondaryKey_thenAttested() {
        String secondary = newKey();
        store.putGroup(EnrollmentGroup.symmetricKey("group-1", newKey(), secondary), null);

        EnrollmentMatch match =
                attested(device("device-7", token("device-7", DerivedKeys.deviceKey(secondary, "device-7"))));

        assertThat(match.enrollmentGroupId()).isEqualTo("group-1");
    }

    @Test
    void authenticate_whenSeveralGroups_thenTheGroupWhoseDerivedKeySignedAttests() {
        String second = newKey();
        store.putGroup(EnrollmentGroup.symmetricKey("group-a", newKey(), newKey()), null);
        store.putGroup(EnrollmentGroup.symmetricKey("group-b", second, newKey()), null);
        store.putGroup(EnrollmentGroup.symmetricKey("group-c", newKey(), newKey()), null);

        EnrollmentMatch match =
                attested(device("device-7", token("device-7", DerivedKeys.deviceKey(second, "device-7"))));

        assertThat(match.enrollmentGroupId()).isEqualTo("group-b");
    }

    @Test
    void authenticate_whenGroupKeyItselfSigned_thenRefused() {
        String groupKey = newKey();
        store.putGroup(EnrollmentGroup.symmetricKey("group-1", groupKey, null), null);

        AuthOutcome.Refused refused = refused(device("device-7", token("device-7", groupKey)));

        assertThat(refused.errorCode()).isEqualTo(ErrorCodes.INVALID_CREDENTIALS);
        assertThat(refused.reason()).contains("derived").contains("1 symmetric-key enrollment group");
    }

    @Test
    void authenticate_whenKeyDerivedForAnotherRegistrationId_thenRefused() {
        String groupKey = newKey();
        store.putGroup(EnrollmentGroup.symmetricKey("group-1", groupKey, null), null);
        String derivedForOther = DerivedKeys.deviceKey(groupKey, "device-8");

        refused(device("device-7", token("device-7", derivedForOther)));
    }

    @Test
    void authenticate_whenIndividualTokenExpired_thenRefusedSayingExpired() {
        String primary = newKey();
        store.putEnrollment(IndividualEnrollment.symmetricKey("device-1", primary, null), null);
        Instant expiry = NOW.minus(SKEW).minusSeconds(1);

        AuthOutcome.Refused refused = refused(device("device-1",
                token(SCOPE + "/registrations/device-1", primary, expiry)));

        assertThat(refused.reason()).contains("expired").contains(expiry.toString());
    }

    @Test
    void authenticate_whenTokenExpiredWithinClockSkew_thenAttested() {
        String primary = newKey();
        store.putEnrollment(IndividualEnrollment.symmetricKey("device-1", primary, null), null);

        attested(device("device-1", token(SCOPE + "/registrations/device-1", primary, NOW.minus(SKEW))));
    }

    @Test
    void authenticate_whenGroupTokenExpired_thenRefusedSayingExpired() {
        String groupKey = newKey();
        store.putGroup(EnrollmentGroup.symmetricKey("group-1", groupKey, null), null);
        String derived = DerivedKeys.deviceKey(groupKey, "device-7");

        AuthOutcome.Refused refused = refused(device("device-7",
                token(SCOPE + "/registrations/device-7", derived, NOW.minusSeconds(3600))));

        assertThat(refused.reason()).contains("expired");
    }

    @Test
    void authenticate_whenTokenIsForAnotherDevice_thenRefusedNamingBothResources() {
        String primary = newKey();
        store.putEnrollment(IndividualEnrollment.symmetricKey("device-1", primary, null), null);

        AuthOutcome.Refused refused = refused(device("device-1", token("device-2", primary)));

        assertThat(refused.reason()).contains(SCOPE + "/registrations/device-2")
                .contains(SCOPE + "/registrations/device-1");
    }

    @Test
    void authenticate_whenGroupDeviceTokenIsForAnotherDevice_thenRefusedNamingResource() {
        String groupKey = newKey();
        store.putGroup(EnrollmentGroup.symmetricKey("group-1", groupKey, null), null);
        String derived = DerivedKeys.deviceKey(groupKey, "device-2");

        AuthOutcome.Refused refused = refused(device("device-7", token("device-2", derived)));

        assertThat(refused.reason()).contains(SCOPE + "/registrations/device-2");
    }

    @Test
    void authenticate_whenIdScopeIsNotServed_thenRefusedNamingScope() {
        String primary = newKey();
        store.putEnrollment(IndividualEnrollment.symmetricKey("device-1", primary, null), null);
        String otherScope = "0ne00BADBAD";

        AuthOutcome.Refused refused = refused(new DeviceIdentity(otherScope, "device-1",
                token(otherScope + "/registrations/device-1", primary, NOW.plusSeconds(60))));

        assertThat(refused.reason()).contains(otherScope);
    }

    @Test
    void authenticate_whenIdScopeDiffersOnlyInCase_thenAttested() {
        String primary = newKey();
        store.putEnrollment(IndividualEnrollment.symmetricKey("device-1", primary, null), null);
        String lower = SCOPE.toLowerCase();

        attested(new DeviceIdentity(lower, "device-1",
                token(lower + "/registrations/device-1", primary, NOW.plusSeconds(60))));
    }

    @Test
    void authenticate_whenNoToken_thenRefusedSayingNoCredentials() {
        store.putEnrollment(IndividualEnrollment.symmetricKey("device-1", newKey(), null), null);

        assertThat(refused(device("device-1", null)).reason()).contains("no credentials");
        assertThat(refused(device("device-1", "")).reason()).contains("no credentials");
    }

    @Test
    void authenticate_whenTokenMalformed_thenRefusedSayingMalformed() {
        store.putEnrollment(IndividualEnrollment.symmetricKey("device-1", newKey(), null), null);

        assertThat(refused(device("device-1", "not a token")).reason()).contains("malformed SAS token");
        assertThat(refused(device("device-1", "SharedAccessSignature sr=x&sig=abc")).reason())
                .contains("malformed SAS token").contains("se");
    }

    @Test
    void authenticate_whenEnrollmentUsesX509_thenRefusedNamingAttestation() {
        store.putEnrollment(new IndividualEnrollment("device-x", null, null,
                new AttestationMechanism(AttestationType.X509, null, new X509Attestation(new X509Certificates(
                        new X509CertificateWithInfo("-----BEGIN CERTIFICATE-----", null), null), null, null), null),
                null, null, null, null, ProvisioningStatus.ENABLED, null, null, null, null, null, null, null), null);

        AuthOutcome.Refused refused = refused(device("device-x", token("device-x", newKey())));

        assertThat(refused.reason()).contains("x509").contains("device-x");
    }

    @Test
    void authenticate_whenIndividualEnrollmentDisabled_thenStillAttested() {
        String primary = newKey();
        store.putEnrollment(IndividualEnrollment.symmetricKey("device-1", primary, null)
                .withProvisioningStatus(ProvisioningStatus.DISABLED), null);

        EnrollmentMatch match = attested(device("device-1", token("device-1", primary)));

        assertThat(match.enabled()).isFalse();
    }

    @Test
    void authenticate_whenGroupDisabled_thenStillAttested() {
        String groupKey = newKey();
        store.putGroup(EnrollmentGroup.symmetricKey("group-1", groupKey, null)
                .withProvisioningStatus(ProvisioningStatus.DISABLED), null);

        EnrollmentMatch match =
                attested(device("device-7", token("device-7", DerivedKeys.deviceKey(groupKey, "device-7"))));

        assertThat(match.enabled()).isFalse();
        assertThat(match.enrollmentGroupId()).isEqualTo("group-1");
    }

    @Test
    void authenticate_whenUnknownRegistrationAndNoGroups_thenRefusedSayingNoGroupExists() {
        AuthOutcome.Refused refused = refused(device("stranger", token("stranger", newKey())));

        assertThat(refused.errorCode()).isEqualTo(ErrorCodes.INVALID_CREDENTIALS);
        assertThat(refused.reason()).contains("unknown registration").contains("'stranger'")
                .contains("no symmetric-key enrollment group exists");
    }

    @Test
    void authenticate_whenUnknownRegistrationAndGroupsExist_thenRefusedWithDifferentMessage() {
        String withoutGroups = refused(device("stranger", token("stranger", newKey()))).reason();
        store.putGroup(EnrollmentGroup.symmetricKey("group-1", newKey(), null), null);
        store.putGroup(EnrollmentGroup.symmetricKey("group-2", newKey(), null), null);

        AuthOutcome.Refused refused = refused(device("stranger", token("stranger", newKey())));

        assertThat(refused.errorCode()).isEqualTo(ErrorCodes.INVALID_CREDENTIALS);
        assertThat(refused.reason()).isNotEqualTo(withoutGroups)
                .contains("'stranger'").contains("2 symmetric-key enrollment group(s)");
    }

    @Test
    void authenticate_whenOnlyX509GroupsExist_thenTreatedAsNoSymmetricKeyGroup() {
        store.putGroup(new EnrollmentGroup("x509-group", new AttestationMechanism(AttestationType.X509, null,
                new X509Attestation(null, new X509Certificates(new X509CertificateWithInfo("pem", null), null), null),
                null), null, null, null, null, ProvisioningStatus.ENABLED, null, null, null, null, null, null, null),
                null);

        assertThat(refused(device("stranger", token("stranger", newKey()))).reason())
                .contains("no symmetric-key enrollment group exists");
    }

    @Test
    void authenticate_whenGroupAddedAfterFirstAttempt_thenCacheRefreshedAndDeviceAttested() {
        String groupKey = newKey();
        DeviceIdentity identity = device("device-7", token("device-7", DerivedKeys.deviceKey(groupKey, "device-7")));
        refused(identity);
        long before = store.enrollmentVersion();

        store.putGroup(EnrollmentGroup.symmetricKey("group-late", groupKey, null), null);

        assertThat(store.enrollmentVersion()).isNotEqualTo(before);
        assertThat(attested(identity).enrollmentGroupId()).isEqualTo("group-late");
    }

    @Test
    void authenticate_whenGroupDeletedAfterAttestation_thenRefused() {
        String groupKey = newKey();
        store.putGroup(EnrollmentGroup.symmetricKey("group-1", groupKey, null), null);
        DeviceIdentity identity = device("device-7", token("device-7", DerivedKeys.deviceKey(groupKey, "device-7")));
        attested(identity);

        store.deleteGroup("group-1", null);

        refused(identity);
    }

    @Test
    void authenticate_whenGroupKeyRolled_thenOldDerivedKeyRefusedAndNewAttested() {
        String oldKey = newKey();
        String newKey = newKey();
        store.putGroup(EnrollmentGroup.symmetricKey("group-1", oldKey, null), null);
        DeviceIdentity oldDevice = device("device-7", token("device-7", DerivedKeys.deviceKey(oldKey, "device-7")));
        attested(oldDevice);

        store.putGroup(EnrollmentGroup.symmetricKey("group-1", newKey, null), null);

        refused(oldDevice);
        attested(device("device-7", token("device-7", DerivedKeys.deviceKey(newKey, "device-7"))));
    }
}
