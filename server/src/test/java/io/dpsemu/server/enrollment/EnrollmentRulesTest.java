package io.dpsemu.server.enrollment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dpsemu.protocol.enrollment.AllocationPolicy;
import io.dpsemu.protocol.enrollment.AttestationMechanism;
import io.dpsemu.protocol.enrollment.CustomAllocationDefinition;
import io.dpsemu.protocol.enrollment.EnrollmentGroup;
import io.dpsemu.protocol.enrollment.IndividualEnrollment;
import io.dpsemu.protocol.enrollment.ProvisioningStatus;
import io.dpsemu.protocol.enrollment.ReprovisionPolicy;
import io.dpsemu.server.config.LinkedHub;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EnrollmentRulesTest {

    private static final String LONGEST_POLICY_NAME = "p".repeat(64);
    private final EnrollmentRules rules = new EnrollmentRules(List.of(LinkedHub.of("hub-a"), LinkedHub.of("hub-b")),
            Set.of("local", "Plant-CA_2.v1", LONGEST_POLICY_NAME));

    @Test
    void prepare_whenDeviceIdUsesIotHubCharacters_thenAccepted() {
        IndividualEnrollment prepared = rules.prepare(withDeviceId("sensor@plant-1:(3)"), null);

        assertThat(prepared.deviceId()).isEqualTo("sensor@plant-1:(3)");
    }

    @Test
    void prepare_whenDeviceIdHasASpace_thenRefusedNamingDeviceId() {
        assertThatThrownBy(() -> rules.prepare(withDeviceId("bad id"), null))
                .isInstanceOf(InvalidEnrollmentException.class).hasMessageStartingWith("deviceId");
    }

    @Test
    void prepare_whenKeysAreLeftOut_thenStoredKeysAreKeptElseNewOnesGenerated() {
        IndividualEnrollment first = rules.prepare(IndividualEnrollment.symmetricKey("d-1", null, null), null);
        IndividualEnrollment again = rules.prepare(IndividualEnrollment.symmetricKey("d-1", null, null),
                first.attestation());

        assertThat(Base64.getDecoder().decode(first.attestation().symmetricKey().primaryKey())).hasSize(64);
        assertThat(again.attestation()).isEqualTo(first.attestation());
    }

    @Test
    void prepare_whenStaticPolicyNamesTwoHubs_thenRefused() {
        assertThatThrownBy(() -> rules.prepare(withHubs(AllocationPolicy.STATIC, List.of("hub-a", "hub-b")), null))
                .isInstanceOf(InvalidEnrollmentException.class).hasMessageContaining("static");
    }

    @Test
    void prepare_whenAHubIsNotLinked_thenRefusedNamingIt() {
        assertThatThrownBy(() -> rules.prepare(withHubs(AllocationPolicy.HASHED, List.of("hub-z")), null))
                .isInstanceOf(InvalidEnrollmentException.class).hasMessageContaining("'hub-z'");
    }

    @Test
    void prepare_whenDefaultsAreLeftOut_thenDpsDefaultsAreWritten() {
        IndividualEnrollment prepared = rules.prepare(new IndividualEnrollment("d-2", null, null,
                AttestationMechanism.symmetricKey(null, null), null, null, null, null, null, null, null, null, null,
                null, null, null), null);

        assertThat(prepared.provisioningStatus()).isEqualTo(ProvisioningStatus.ENABLED);
        assertThat(prepared.reprovisionPolicy()).isEqualTo(ReprovisionPolicy.DEFAULT);
        assertThat(prepared.capabilities().iotEdge()).isFalse();
    }

    @Test
    void prepare_whenWebhookUrlIsHttpOrHttps_thenAccepted() {
        assertThat(rules.prepare(withWebhook("https://alloc.example/api/allocate?code=k"), null)
                .customAllocationDefinition().webhookUrl()).isEqualTo("https://alloc.example/api/allocate?code=k");
        assertThat(rules.prepare(withWebhook("http://127.0.0.1:7071/api/allocate"), null)).isNotNull();
    }

    @Test
    void prepare_whenWebhookUrlIsRelativeOtherSchemeOrMalformed_thenRefusedNamingWebhookUrl() {
        for (String url : List.of("/api/allocate", "ftp://alloc.example/x", "http://", "http://bad host/x")) {
            assertThatThrownBy(() -> rules.prepare(withWebhook(url), null)).as(url)
                    .isInstanceOf(InvalidEnrollmentException.class)
                    .hasMessageContaining("customAllocationDefinition.webhookUrl");
        }
    }

    @Test
    void prepare_whenCredentialPolicyNameUsesLettersDigitsDashUnderscoreDot_thenKeptForEnrollmentAndGroup() {
        String longest = LONGEST_POLICY_NAME;

        assertThat(rules.prepare(withCredentialPolicy("Plant-CA_2.v1"), null).credentialPolicyName())
                .isEqualTo("Plant-CA_2.v1");
        assertThat(rules.prepare(withCredentialPolicy(longest), null).credentialPolicyName()).isEqualTo(longest);
        assertThat(rules.prepare(groupWithCredentialPolicy("local"), null).credentialPolicyName()).isEqualTo("local");
        assertThat(rules.prepare(withCredentialPolicy(null), null).credentialPolicyName()).isNull();
    }

    @Test
    void prepare_whenCredentialPolicyNameIsEmptyTooLongOrHasOtherCharacters_thenRefusedNamingTheField() {
        for (String name : List.of("", "p".repeat(65), "plant ca", "plant/ca", "ca:1", "zertifikat-ä", " local")) {
            assertThatThrownBy(() -> rules.prepare(withCredentialPolicy(name), null)).as(name)
                    .isInstanceOf(InvalidEnrollmentException.class)
                    .hasMessageStartingWith("credentialPolicyName: '" + name + "'")
                    .hasMessageContaining("1 to 64 letters, digits and - _ .");
            assertThatThrownBy(() -> rules.prepare(groupWithCredentialPolicy(name), null)).as(name)
                    .isInstanceOf(InvalidEnrollmentException.class)
                    .hasMessageStartingWith("credentialPolicyName");
        }
    }

    @Test
    void prepare_whenCredentialPolicyIsNotConfiguredHere_thenRefusedListingTheConfiguredOnes() {
        assertThatThrownBy(() -> rules.prepare(withCredentialPolicy("plant-ca"), null))
                .isInstanceOf(InvalidEnrollmentException.class)
                .hasMessageStartingWith("credentialPolicyName: 'plant-ca' is not configured on this server")
                .hasMessageContaining("configured: Plant-CA_2.v1, local, " + LONGEST_POLICY_NAME);
        assertThatThrownBy(() -> rules.prepare(groupWithCredentialPolicy("PLANT-CA_2.V1"), null))
                .isInstanceOf(InvalidEnrollmentException.class)
                .hasMessageContaining("is not configured on this server");
    }

    private static IndividualEnrollment withCredentialPolicy(String name) {
        return new IndividualEnrollment("d-1", null, null, AttestationMechanism.symmetricKey(null, null), null,
                null, null, null, null, null, null, null, null, null, null, name);
    }

    private static EnrollmentGroup groupWithCredentialPolicy(String name) {
        return new EnrollmentGroup("g-1", AttestationMechanism.symmetricKey(null, null), null, null, null, null,
                null, null, null, null, null, null, null, name);
    }

    private static IndividualEnrollment withWebhook(String url) {
        return new IndividualEnrollment("d-1", null, null, AttestationMechanism.symmetricKey(null, null), null,
                null, null, null, null, null, null, null, AllocationPolicy.CUSTOM, null,
                new CustomAllocationDefinition(url, "2021-10-01"), null);
    }

    private static IndividualEnrollment withDeviceId(String deviceId) {
        return new IndividualEnrollment("d-1", deviceId, null, AttestationMechanism.symmetricKey(null, null), null,
                null, null, null, null, null, null, null, null, null, null, null);
    }

    private static IndividualEnrollment withHubs(AllocationPolicy policy, List<String> hubs) {
        return new IndividualEnrollment("d-1", null, null, AttestationMechanism.symmetricKey(null, null), null,
                null, null, null, null, null, null, null, policy, hubs, null, null);
    }
}
