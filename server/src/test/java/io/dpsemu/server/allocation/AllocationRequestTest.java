package io.dpsemu.server.allocation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dpsemu.protocol.enrollment.AllocationPolicy;
import io.dpsemu.protocol.enrollment.AttestationMechanism;
import io.dpsemu.protocol.enrollment.CustomAllocationDefinition;
import io.dpsemu.protocol.enrollment.EnrollmentGroup;
import io.dpsemu.protocol.enrollment.IndividualEnrollment;
import io.dpsemu.protocol.enrollment.ProvisioningStatus;
import io.dpsemu.protocol.json.DpsJson;
import io.dpsemu.protocol.model.X509RegistrationResult;
import java.util.List;
import org.junit.jupiter.api.Test;

class AllocationRequestTest {

    private static final String HUB_A = "hub-a.azure-devices.net";
    private static final String HUB_B = "hub-b.azure-devices.net";
    private static final String PRIMARY_KEY = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
    private static final CustomAllocationDefinition WEBHOOK =
            new CustomAllocationDefinition("http://127.0.0.1:7071/api/allocate?code=secret", "2021-10-01");

    private static JsonNode json(String text) {
        return DpsJson.read(text, JsonNode.class);
    }

    private static IndividualEnrollment individual() {
        return new IndividualEnrollment("dev-1", "device-one", null,
                AttestationMechanism.symmetricKey(PRIMARY_KEY, PRIMARY_KEY), null, null, null, "\"etag-1\"",
                ProvisioningStatus.ENABLED, null, null, null, AllocationPolicy.CUSTOM, List.of(HUB_A, HUB_B), WEBHOOK,
                null);
    }

    @Test
    void toJson_whenIndividualEnrollment_thenAttestationIsReducedToItsType() {
        JsonNode sent = new AllocationRequest(true, individual(), "dev-1", null, null, "symmetricKey", null, null,
                List.of(HUB_A, HUB_B)).toJson();

        JsonNode enrollment = sent.get("individualEnrollment");
        assertThat(enrollment.get("registrationId").asText()).isEqualTo("dev-1");
        assertThat(enrollment.get("attestation")).isEqualTo(json("{\"type\":\"symmetricKey\"}"));
        assertThat(sent.toString()).doesNotContain(PRIMARY_KEY);
        assertThat(sent.has("enrollmentGroup")).isFalse();
        assertThat(enrollment.get("customAllocationDefinition").get("webhookUrl").asText())
                .isEqualTo(WEBHOOK.webhookUrl());
    }

    @Test
    void toJson_whenFirstRegistration_thenRuntimeContextHasNoCurrentHub() {
        JsonNode context = new AllocationRequest(true, individual(), "dev-1", null, null, "symmetricKey", null, null,
                List.of(HUB_A)).toJson().get("deviceRuntimeContext");

        assertThat(context).isEqualTo(json("{\"registrationId\":\"dev-1\",\"symmetricKey\":{}}"));
    }

    @Test
    void toJson_whenAssignedBefore_thenRuntimeContextNamesCurrentHubAndDevice() {
        JsonNode context = new AllocationRequest(true, individual(), "dev-1", HUB_B, "device-one", "symmetricKey",
                null, json("{\"model\":\"m1\"}"), List.of(HUB_B)).toJson().get("deviceRuntimeContext");

        assertThat(context.get("currentIotHubHostName").asText()).isEqualTo(HUB_B);
        assertThat(context.get("currentDeviceId").asText()).isEqualTo("device-one");
        assertThat(context.get("payload")).isEqualTo(json("{\"model\":\"m1\"}"));
    }

    @Test
    void toJson_whenGroupAndX509_thenGroupDocumentAndCertificateDetails() {
        EnrollmentGroup group = new EnrollmentGroup("line-7", AttestationMechanism.symmetricKey(PRIMARY_KEY,
                PRIMARY_KEY), null, null, null, null, ProvisioningStatus.ENABLED, null, null, null,
                AllocationPolicy.CUSTOM, null, WEBHOOK, null);
        X509RegistrationResult x509 = new X509RegistrationResult(null, "line-7", null);

        JsonNode sent = new AllocationRequest(false, group, "dev-9", null, null, "x509", x509, null,
                List.of(HUB_A, HUB_B)).toJson();

        assertThat(sent.get("enrollmentGroup").get("enrollmentGroupId").asText()).isEqualTo("line-7");
        assertThat(sent.get("deviceRuntimeContext").get("x509").get("enrollmentGroupId").asText()).isEqualTo("line-7");
        assertThat(sent.get("deviceRuntimeContext").has("symmetricKey")).isFalse();
        assertThat(sent.get("linkedHubs")).isEqualTo(json("[\"" + HUB_A + "\",\"" + HUB_B + "\"]"));
    }
}
