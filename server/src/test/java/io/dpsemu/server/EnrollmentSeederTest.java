package io.dpsemu.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dpsemu.protocol.enrollment.AllocationPolicy;
import io.dpsemu.protocol.enrollment.AttestationType;
import io.dpsemu.protocol.enrollment.EnrollmentGroup;
import io.dpsemu.protocol.enrollment.IndividualEnrollment;
import io.dpsemu.protocol.enrollment.ProvisioningStatus;
import io.dpsemu.protocol.enrollment.SymmetricKeyAttestation;
import io.dpsemu.server.config.ConfigException;
import io.dpsemu.server.config.LinkedHub;
import io.dpsemu.server.enrollment.EnrollmentRules;
import io.dpsemu.server.x509.CertificateFacts;
import io.dpsemu.store.memory.InMemoryStore;
import io.netty.pkitesting.CertificateBuilder;
import io.netty.pkitesting.X509Bundle;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EnrollmentSeederTest {

    private static final EnrollmentRules RULES = new EnrollmentRules(
            List.of(LinkedHub.of("dpsemu-hub.local"), LinkedHub.of("hub-a.azure-devices.net"),
                    LinkedHub.of("hub-b.azure-devices.net")), Set.of("local", "plant-ca", "line_7.ca"));

    private static final String KEY_32 = Base64.getEncoder().encodeToString(bytes(32, 1));
    private static final String KEY_64 = Base64.getEncoder().encodeToString(bytes(64, 2));

    @TempDir
    Path dir;

    private final InMemoryStore store = new InMemoryStore();

    @AfterEach
    void closeStore() {
        store.close();
    }

    private static byte[] bytes(int length, int seed) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = (byte) (i * 31 + seed);
        }
        return b;
    }

    private Path file(String name, String content) throws IOException {
        Path path = dir.resolve(name);
        Files.writeString(path, content);
        return path;
    }

    private static void assertGeneratedKey(String key) {
        assertThat(key).isNotBlank();
        assertThat(Base64.getDecoder().decode(key)).hasSize(64);
    }

    @Test
    void seed_whenYamlHasGroupAndIndividuals_thenAllStored() throws IOException {
        Path seed = file("enrollments.yaml", """
                enrollments:
                  - registrationId: device-1
                    deviceId: hub-device-1
                    attestation:
                      type: symmetricKey
                      symmetricKey:
                        primaryKey: %s
                        secondaryKey: %s
                  - registrationId: device-2
                    provisioningStatus: disabled
                    allocationPolicy: static
                    iotHubs: [hub-a.azure-devices.net]
                    attestation:
                      type: symmetricKey
                      symmetricKey:
                        primaryKey: %s
                enrollmentGroups:
                  - enrollmentGroupId: factory-line-1
                    attestation:
                      type: symmetricKey
                      symmetricKey:
                        primaryKey: %s
                        secondaryKey: %s
                """.formatted(KEY_64, KEY_32, KEY_32, KEY_64, KEY_32));

        EnrollmentSeeder.seed(store, seed, RULES);

        IndividualEnrollment first = store.findEnrollment("device-1").orElseThrow();
        assertThat(first.deviceId()).isEqualTo("hub-device-1");
        assertThat(first.attestation().type()).isEqualTo(AttestationType.SYMMETRIC_KEY);
        assertThat(first.attestation().symmetricKey()).isEqualTo(new SymmetricKeyAttestation(KEY_64, KEY_32));
        assertThat(first.etag()).isNotBlank();
        assertThat(first.createdDateTimeUtc()).isNotNull();
        IndividualEnrollment second = store.findEnrollment("device-2").orElseThrow();
        assertThat(second.provisioningStatus()).isEqualTo(ProvisioningStatus.DISABLED);
        assertThat(second.allocationPolicy()).isEqualTo(AllocationPolicy.STATIC);
        assertThat(second.iotHubs()).containsExactly("hub-a.azure-devices.net");
        assertThat(second.attestation().symmetricKey().primaryKey()).isEqualTo(KEY_32);
        EnrollmentGroup group = store.findGroup("factory-line-1").orElseThrow();
        assertThat(group.attestation().symmetricKey()).isEqualTo(new SymmetricKeyAttestation(KEY_64, KEY_32));
    }

    @Test
    void seed_whenJsonFile_thenStored() throws IOException {
        Path seed = file("enrollments.json", """
                {
                  "enrollments": [
                    {"registrationId": "device-1",
                     "attestation": {"type": "symmetricKey", "symmetricKey": {"primaryKey": "%s"}}}
                  ],
                  "enrollmentGroups": [
                    {"enrollmentGroupId": "group-1",
                     "attestation": {"type": "symmetricKey", "symmetricKey": {"primaryKey": "%s"}}}
                  ]
                }
                """.formatted(KEY_32, KEY_64));

        EnrollmentSeeder.seed(store, seed, RULES);

        assertThat(store.findEnrollment("device-1").orElseThrow().attestation().symmetricKey().primaryKey())
                .isEqualTo(KEY_32);
        assertThat(store.findGroup("group-1").orElseThrow().attestation().symmetricKey().primaryKey())
                .isEqualTo(KEY_64);
    }

    @Test
    void seed_whenOnlyGroups_thenGroupsStored() throws IOException {
        Path seed = file("groups.yaml", """
                enrollmentGroups:
                  - enrollmentGroupId: group-1
                    attestation: {type: symmetricKey}
                """);

        EnrollmentSeeder.seed(store, seed, RULES);

        assertThat(store.findGroup("group-1")).isPresent();
        assertThat(store.listEnrollments(null, 0).items()).isEmpty();
    }

    @Test
    void seed_whenFileIsEmpty_thenNothingStored() throws IOException {
        EnrollmentSeeder.seed(store, file("empty.yaml", ""), RULES);
        EnrollmentSeeder.seed(store, file("comments.yaml", "# enrollments: []\n"), RULES);
        EnrollmentSeeder.seed(store, file("empty-lists.yaml", "enrollments: []\nenrollmentGroups:\n"), RULES);

        assertThat(store.listEnrollments(null, 0).items()).isEmpty();
        assertThat(store.listGroups(null, 0).items()).isEmpty();
    }

    @Test
    void seed_whenKeysOmitted_thenGenerated64ByteKeys() throws IOException {
        Path seed = file("enrollments.yaml", """
                enrollments:
                  - registrationId: device-1
                    attestation:
                      type: symmetricKey
                enrollmentGroups:
                  - enrollmentGroupId: group-1
                    attestation:
                      type: symmetricKey
                      symmetricKey: {}
                """);

        EnrollmentSeeder.seed(store, seed, RULES);

        SymmetricKeyAttestation individual = store.findEnrollment("device-1").orElseThrow().attestation()
                .symmetricKey();
        SymmetricKeyAttestation group = store.findGroup("group-1").orElseThrow().attestation().symmetricKey();
        assertGeneratedKey(individual.primaryKey());
        assertGeneratedKey(individual.secondaryKey());
        assertGeneratedKey(group.primaryKey());
        assertGeneratedKey(group.secondaryKey());
        assertThat(individual.primaryKey()).isNotEqualTo(individual.secondaryKey())
                .isNotEqualTo(group.primaryKey());
    }

    @Test
    void seed_whenSameFileSeededTwice_thenGeneratedKeysKept() throws IOException {
        Path seed = file("enrollments.yaml", """
                enrollments:
                  - registrationId: device-1
                    attestation: {type: symmetricKey}
                enrollmentGroups:
                  - enrollmentGroupId: group-1
                    attestation: {type: symmetricKey}
                """);
        EnrollmentSeeder.seed(store, seed, RULES);
        SymmetricKeyAttestation individual = store.findEnrollment("device-1").orElseThrow().attestation()
                .symmetricKey();
        SymmetricKeyAttestation group = store.findGroup("group-1").orElseThrow().attestation().symmetricKey();

        EnrollmentSeeder.seed(store, seed, RULES);

        assertThat(store.findEnrollment("device-1").orElseThrow().attestation().symmetricKey()).isEqualTo(individual);
        assertThat(store.findGroup("group-1").orElseThrow().attestation().symmetricKey()).isEqualTo(group);
        assertThat(store.listEnrollments(null, 0).items()).hasSize(1);
        assertThat(store.listGroups(null, 0).items()).hasSize(1);
    }

    @Test
    void seed_whenFileGivesKeyLater_thenGivenKeyReplacesStoredOneAndOtherKeyKept() throws IOException {
        EnrollmentSeeder.seed(store, file("first.yaml", """
                enrollments:
                  - registrationId: device-1
                    attestation: {type: symmetricKey}
                """), RULES);
        String generatedSecondary = store.findEnrollment("device-1").orElseThrow()
                .attestation().symmetricKey().secondaryKey();

        EnrollmentSeeder.seed(store, file("second.yaml", """
                enrollments:
                  - registrationId: device-1
                    attestation:
                      type: symmetricKey
                      symmetricKey: {primaryKey: %s}
                """.formatted(KEY_32)), RULES);

        assertThat(store.findEnrollment("device-1").orElseThrow().attestation().symmetricKey())
                .isEqualTo(new SymmetricKeyAttestation(KEY_32, generatedSecondary));
    }

    @Test
    void seed_whenSeededAgainWithChangedStatus_thenEnrollmentUpdated() throws IOException {
        EnrollmentSeeder.seed(store, file("first.yaml", """
                enrollments:
                  - registrationId: device-1
                    attestation: {type: symmetricKey}
                """), RULES);

        EnrollmentSeeder.seed(store, file("second.yaml", """
                enrollments:
                  - registrationId: device-1
                    provisioningStatus: disabled
                    attestation: {type: symmetricKey}
                """), RULES);

        assertThat(store.findEnrollment("device-1").orElseThrow().isEnabled()).isFalse();
    }

    @Test
    void seed_whenCredentialPolicyNamesAreGiven_thenStoredForEnrollmentsAndGroups() throws IOException {
        Path seed = file("enrollments.yaml", """
                enrollments:
                  - registrationId: device-1
                    credentialPolicyName: plant-ca
                    attestation: {type: symmetricKey}
                enrollmentGroups:
                  - enrollmentGroupId: group-1
                    credentialPolicyName: line_7.ca
                    attestation: {type: symmetricKey}
                """);

        EnrollmentSeeder.seed(store, seed, RULES);

        assertThat(store.findEnrollment("device-1").orElseThrow().credentialPolicyName()).isEqualTo("plant-ca");
        assertThat(store.findGroup("group-1").orElseThrow().credentialPolicyName()).isEqualTo("line_7.ca");
    }

    @Test
    void seed_whenCredentialPolicyNameIsMalformed_thenConfigExceptionNamesGroupAndField() throws IOException {
        Path seed = file("bad.yaml", """
                enrollmentGroups:
                  - enrollmentGroupId: group-1
                    credentialPolicyName: "plant ca"
                    attestation: {type: symmetricKey}
                """);

        assertThatThrownBy(() -> EnrollmentSeeder.seed(store, seed, RULES))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("enrollment group 'group-1'")
                .hasMessageContaining("credentialPolicyName: 'plant ca'");
        assertThat(store.findGroup("group-1")).isEmpty();
    }

    @Test
    void seed_whenKeyIsNotBase64_thenConfigExceptionNamesEnrollmentAndField() throws IOException {
        Path seed = file("bad.yaml", """
                enrollments:
                  - registrationId: device-1
                    attestation:
                      type: symmetricKey
                      symmetricKey: {primaryKey: "not*base64!"}
                """);

        assertThatThrownBy(() -> EnrollmentSeeder.seed(store, seed, RULES))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("enrollment 'device-1'")
                .hasMessageContaining("attestation.symmetricKey.primaryKey")
                .hasMessageContaining("base64");
        assertThat(store.findEnrollment("device-1")).isEmpty();
    }

    @Test
    void seed_whenKeyTooShort_thenConfigExceptionNamesGroupFieldAndLength() throws IOException {
        String short15 = Base64.getEncoder().encodeToString(bytes(15, 3));
        Path seed = file("bad.yaml", """
                enrollmentGroups:
                  - enrollmentGroupId: group-1
                    attestation:
                      type: symmetricKey
                      symmetricKey: {primaryKey: %s, secondaryKey: %s}
                """.formatted(KEY_32, short15));

        assertThatThrownBy(() -> EnrollmentSeeder.seed(store, seed, RULES))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("enrollment group 'group-1'")
                .hasMessageContaining("attestation.symmetricKey.secondaryKey")
                .hasMessageContaining("16-64 bytes")
                .hasMessageContaining("15");
    }

    @Test
    void seed_whenKeyTooLong_thenConfigException() throws IOException {
        String long65 = Base64.getEncoder().encodeToString(bytes(65, 4));
        Path seed = file("bad.yaml", """
                enrollments:
                  - registrationId: device-1
                    attestation:
                      type: symmetricKey
                      symmetricKey: {primaryKey: %s}
                """.formatted(long65));

        assertThatThrownBy(() -> EnrollmentSeeder.seed(store, seed, RULES))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("enrollment 'device-1'")
                .hasMessageContaining("65");
    }

    @Test
    void seed_whenKeyLengthAtBounds_thenAccepted() throws IOException {
        String key16 = Base64.getEncoder().encodeToString(bytes(16, 5));
        Path seed = file("ok.yaml", """
                enrollments:
                  - registrationId: device-1
                    attestation:
                      type: symmetricKey
                      symmetricKey: {primaryKey: %s, secondaryKey: %s}
                """.formatted(key16, KEY_64));

        EnrollmentSeeder.seed(store, seed, RULES);

        assertThat(store.findEnrollment("device-1").orElseThrow().attestation().symmetricKey())
                .isEqualTo(new SymmetricKeyAttestation(key16, KEY_64));
    }

    @Test
    void seed_whenAttestationTypeMissing_thenConfigExceptionNamesEnrollmentAndField() throws IOException {
        Path seed = file("bad.yaml", """
                enrollments:
                  - registrationId: device-1
                    attestation:
                      symmetricKey: {primaryKey: %s}
                """.formatted(KEY_32));

        assertThatThrownBy(() -> EnrollmentSeeder.seed(store, seed, RULES))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("enrollment 'device-1'")
                .hasMessageContaining("attestation.type");
    }

    @Test
    void seed_whenAttestationMissing_thenConfigExceptionNamesGroup() throws IOException {
        Path seed = file("bad.yaml", """
                enrollmentGroups:
                  - enrollmentGroupId: group-1
                """);

        assertThatThrownBy(() -> EnrollmentSeeder.seed(store, seed, RULES))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("enrollment group 'group-1'")
                .hasMessageContaining("attestation.type");
    }

    @Test
    void seed_whenRegistrationIdInvalid_thenConfigExceptionNamesIdAndProblem() throws IOException {
        Path seed = file("bad.yaml", """
                enrollments:
                  - registrationId: "device one"
                    attestation: {type: symmetricKey}
                """);

        assertThatThrownBy(() -> EnrollmentSeeder.seed(store, seed, RULES))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("enrollment 'device one'")
                .hasMessageContaining("registration id");
    }

    @Test
    void seed_whenRegistrationIdMissing_thenConfigException() throws IOException {
        Path seed = file("bad.yaml", """
                enrollments:
                  - attestation: {type: symmetricKey}
                """);

        assertThatThrownBy(() -> EnrollmentSeeder.seed(store, seed, RULES))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("registration id is empty");
    }

    @Test
    void seed_whenGroupIdInvalid_thenConfigExceptionNamesGroup() throws IOException {
        Path seed = file("bad.yaml", """
                enrollmentGroups:
                  - enrollmentGroupId: "group/1"
                    attestation: {type: symmetricKey}
                """);

        assertThatThrownBy(() -> EnrollmentSeeder.seed(store, seed, RULES))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("enrollment group 'group/1'");
    }

    @Test
    void seed_whenEnrollmentHasUnknownField_thenConfigExceptionNamesEnrollmentAndField() throws IOException {
        Path seed = file("bad.yaml", """
                enrollments:
                  - registrationId: device-1
                    attestation: {type: symmetricKey}
                  - registrationId: device-2
                    provisionStatus: enabled
                    attestation: {type: symmetricKey}
                """);

        assertThatThrownBy(() -> EnrollmentSeeder.seed(store, seed, RULES))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("bad.yaml")
                .hasMessageContaining("enrollment 'device-2' (enrollments[1])")
                .hasMessageContaining("unknown field 'provisionStatus'");
        assertThat(store.findEnrollment("device-1")).isEmpty();
    }

    @Test
    void seed_whenGroupAttestationHasUnknownField_thenConfigExceptionNamesGroupAndField() throws IOException {
        Path seed = file("bad.yaml", """
                enrollmentGroups:
                  - enrollmentGroupId: group-1
                    attestation:
                      type: symmetricKey
                      symmetricKey: {primary: %s}
                """.formatted(KEY_32));

        assertThatThrownBy(() -> EnrollmentSeeder.seed(store, seed, RULES))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("enrollment group 'group-1' (enrollmentGroups[0])")
                .hasMessageContaining("unknown field 'attestation.symmetricKey.primary'");
    }

    @Test
    void seed_whenEnumValueUnknown_thenConfigExceptionNamesEnrollmentAndField() throws IOException {
        Path seed = file("bad.yaml", """
                enrollments:
                  - registrationId: device-1
                    provisioningStatus: paused
                    attestation: {type: symmetricKey}
                """);

        assertThatThrownBy(() -> EnrollmentSeeder.seed(store, seed, RULES))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("enrollment 'device-1'")
                .hasMessageContaining("'provisioningStatus'")
                .hasMessageContaining("paused");
    }

    @Test
    void seed_whenAttestationTypeUnknown_thenConfigExceptionNamesEnrollmentAndField() throws IOException {
        Path seed = file("bad.yaml", """
                enrollments:
                  - registrationId: device-1
                    attestation: {type: password}
                """);

        assertThatThrownBy(() -> EnrollmentSeeder.seed(store, seed, RULES))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("enrollment 'device-1'")
                .hasMessageContaining("'attestation.type'")
                .hasMessageContaining("password");
    }

    @Test
    void seed_whenUnknownFieldInEntryWithoutId_thenConfigExceptionNamesPosition() throws IOException {
        Path seed = file("bad.yaml", """
                enrollments:
                  - attestation: {type: symmetricKey}
                    colour: blue
                """);

        assertThatThrownBy(() -> EnrollmentSeeder.seed(store, seed, RULES))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("enrollments[0]")
                .hasMessageContaining("unknown field 'colour'");
    }

    @Test
    void seed_whenTopLevelIsAList_thenConfigExceptionSaysMapping() throws IOException {
        Path seed = file("bad.yaml", """
                - registrationId: device-1
                  attestation: {type: symmetricKey}
                """);

        assertThatThrownBy(() -> EnrollmentSeeder.seed(store, seed, RULES))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("bad.yaml")
                .hasMessageContaining("mapping");
    }

    @Test
    void seed_whenYamlMalformed_thenConfigExceptionNamesFile() throws IOException {
        Path seed = file("broken.yaml", "enrollments: [\n");

        assertThatThrownBy(() -> EnrollmentSeeder.seed(store, seed, RULES))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("broken.yaml");
    }

    @Test
    void seed_whenTopLevelKeyUnknown_thenConfigExceptionNamesIt() throws IOException {
        Path seed = file("bad.yaml", """
                individualEnrollments:
                  - registrationId: device-1
                """);

        assertThatThrownBy(() -> EnrollmentSeeder.seed(store, seed, RULES))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("unknown field 'individualEnrollments'");
    }

    @Test
    void seed_whenFileMissing_thenConfigExceptionNamesFile() {
        Path missing = dir.resolve("missing.yaml");

        assertThatThrownBy(() -> EnrollmentSeeder.seed(store, missing, RULES))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("missing.yaml");
    }

    @Test
    void seed_whenX509Enrollment_thenStoredWithTheComputedCertificateInfo() throws Exception {
        X509Bundle maker = new CertificateBuilder().subject("CN=maker").ecp256().setIsCertificateAuthority(true)
                .buildSelfSigned();
        X509Bundle leaf = new CertificateBuilder().subject("CN=device-x").ecp256().buildIssuedBy(maker);
        Path seed = file("x509.yaml", """
                enrollments:
                  - registrationId: device-x
                    attestation:
                      type: x509
                      x509:
                        clientCertificates:
                          primary:
                            certificate: |
                %s
                """.formatted(leaf.getCertificatePEM().strip().indent(16).stripTrailing()));

        EnrollmentSeeder.seed(store, seed, RULES);

        IndividualEnrollment stored = store.findEnrollment("device-x").orElseThrow();
        assertThat(stored.attestation().type()).isEqualTo(AttestationType.X509);
        assertThat(stored.attestation().symmetricKey()).isNull();
        assertThat(stored.attestation().x509().clientCertificates().primary().info())
                .isEqualTo(CertificateFacts.info(leaf.getCertificate()));
    }

    @Test
    void seed_whenX509CertificateIsNotPem_thenConfigExceptionNamesTheField() throws IOException {
        Path seed = file("x509-bad.yaml", """
                enrollments:
                  - registrationId: device-x
                    attestation:
                      type: x509
                      x509:
                        clientCertificates:
                          primary: {certificate: "-----BEGIN CERTIFICATE-----"}
                """);

        assertThatThrownBy(() -> EnrollmentSeeder.seed(store, seed, RULES))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("device-x")
                .hasMessageContaining("clientCertificates.primary.certificate");
    }
}
