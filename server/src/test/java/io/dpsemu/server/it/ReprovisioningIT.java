package io.dpsemu.server.it;

import static io.dpsemu.server.it.SymmetricKeyProvisioningIT.newKey;
import static io.dpsemu.server.rawhttp.RawHttpsClient.request;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.azure.sdk.iot.provisioning.device.ProvisioningDeviceClientRegistrationResult;
import com.microsoft.azure.sdk.iot.provisioning.device.ProvisioningDeviceClientSubstatus;
import io.dpsemu.protocol.enrollment.AllocationPolicy;
import io.dpsemu.protocol.enrollment.AttestationMechanism;
import io.dpsemu.protocol.enrollment.CustomAllocationDefinition;
import io.dpsemu.protocol.enrollment.IndividualEnrollment;
import io.dpsemu.protocol.enrollment.ProvisioningStatus;
import io.dpsemu.protocol.enrollment.ReprovisionPolicy;
import io.dpsemu.protocol.json.DpsJson;
import io.dpsemu.protocol.model.RegistrationSubstatus;
import io.dpsemu.server.DpsServer;
import io.dpsemu.server.allocation.WebhookServer;
import io.dpsemu.server.config.LinkedHub;
import io.dpsemu.server.rawhttp.RawHttpsClient;
import io.dpsemu.server.rawmqtt.RawMqttDevice;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Re-registration under each reprovision policy (docs/protocol-notes.md#reprovisioning), with the official Java device
 * SDK: the enrollment's hub is changed between two registrations, as the Azure SDK's own
 * reprovisioning test does, and the device is told the documented substatus.
 */
@Tag("sdk")
@Timeout(120)
class ReprovisioningIT {

    private static final String HUB_A = "hub-a.azure-devices.net";
    private static final String HUB_B = "hub-b.azure-devices.net";
    private static final ReprovisionPolicy MIGRATE = new ReprovisionPolicy(true, true);
    private static final ReprovisionPolicy RESET = new ReprovisionPolicy(true, false);
    private static final ReprovisionPolicy NEVER = new ReprovisionPolicy(false, false);
    private static final JsonNode ENROLLMENT_TWIN =
            DpsJson.read("{\"properties\":{\"desired\":{\"mode\":\"factory\"}}}", JsonNode.class);

    @TempDir
    static Path dataDir;

    private static DpsServer server;
    private static AzureSdkDevice device;
    private static WebhookServer webhook;

    @BeforeAll
    static void start() throws Exception {
        server = TestServers.start(dataDir, "sqlite", Map.of("linkedHubs", List.of(LinkedHub.of(HUB_A),
                LinkedHub.of(HUB_B))), Clock.systemUTC());
        device = new AzureSdkDevice(server.idScope(), server.caCertificate());
        webhook = new WebhookServer(request -> WebhookServer.Reply.ok("{\"iotHubHostName\":"
                + request.get("linkedHubs").get(0) + ",\"payload\":{\"offered\":" + request.get("linkedHubs") + "}}"));
    }

    @AfterAll
    static void stop() {
        server.close();
        webhook.close();
    }

    /** A static enrollment on {@code hub}: changing it and registering again is a reprovisioning. */
    private static void enrollOn(String registrationId, String key, String hub, ReprovisionPolicy policy) {
        server.store().putEnrollment(new IndividualEnrollment(registrationId, null, null,
                AttestationMechanism.symmetricKey(key, key), null, null, ENROLLMENT_TWIN, null,
                ProvisioningStatus.ENABLED, policy, null, null, AllocationPolicy.STATIC, List.of(hub), null, null),
                null);
    }

    private static ProvisioningDeviceClientRegistrationResult moveAndRegisterAgain(String registrationId,
            ReprovisionPolicy policy) throws Exception {
        String key = newKey();
        enrollOn(registrationId, key, HUB_A, policy);
        ProvisioningDeviceClientRegistrationResult first = device.register(registrationId, key);
        assertThat(first.getIothubUri()).isEqualTo(HUB_A);
        assertThat(first.getSubstatus()).isEqualTo(ProvisioningDeviceClientSubstatus.INITIAL_ASSIGNMENT);

        enrollOn(registrationId, key, HUB_B, policy);
        return device.register(registrationId, key);
    }

    @Test
    void reprovisionAndMigrate_whenHubChanges_thenDeviceDataMigratedToNewHub() throws Exception {
        ProvisioningDeviceClientRegistrationResult second = moveAndRegisterAgain("reprov-migrate", MIGRATE);

        assertThat(second.getIothubUri()).isEqualTo(HUB_B);
        assertThat(second.getSubstatus()).isEqualTo(ProvisioningDeviceClientSubstatus.DEVICE_DATA_MIGRATED);
        assertThat(server.store().findRegistration("reprov-migrate").orElseThrow().substatus().wire())
                .isEqualTo("deviceDataMigrated");
    }

    @Test
    void reprovisionAndReset_whenHubChanges_thenDeviceDataResetOnNewHubWithInitialTwin() throws Exception {
        ProvisioningDeviceClientRegistrationResult second = moveAndRegisterAgain("reprov-reset", RESET);

        assertThat(second.getIothubUri()).isEqualTo(HUB_B);
        assertThat(second.getSubstatus()).isEqualTo(ProvisioningDeviceClientSubstatus.DEVICE_DATA_RESET);
        assertThat(server.store().findRegistration("reprov-reset").orElseThrow().initialTwin())
                .isEqualTo(ENROLLMENT_TWIN);
    }

    @Test
    void neverReprovision_whenHubChanges_thenStaysOnCurrentHubWithInitialAssignment() throws Exception {
        ProvisioningDeviceClientRegistrationResult second = moveAndRegisterAgain("reprov-never", NEVER);

        assertThat(second.getIothubUri()).isEqualTo(HUB_A);
        assertThat(second.getSubstatus()).isEqualTo(ProvisioningDeviceClientSubstatus.INITIAL_ASSIGNMENT);
    }

    @Test
    void reprovisionAndReset_whenHubStaysTheSame_thenDeviceDataResetInPlace() throws Exception {
        String key = newKey();
        enrollOn("reprov-reset-in-place", key, HUB_A, RESET);
        device.register("reprov-reset-in-place", key);

        ProvisioningDeviceClientRegistrationResult second = device.register("reprov-reset-in-place", key);

        assertThat(second.getIothubUri()).isEqualTo(HUB_A);
        assertThat(second.getSubstatus()).isEqualTo(ProvisioningDeviceClientSubstatus.DEVICE_DATA_RESET);
    }

    @Test
    void deletedRecord_whenSdkOnApi20190331RegistersAgainToTheSameHub_thenToldInitialAssignmentAndRecordSaysMore()
            throws Exception {
        String key = newKey();
        enrollOn("reprov-deleted", key, HUB_A, MIGRATE);
        device.register("reprov-deleted", key);
        assertThat(server.store().deleteRegistration("reprov-deleted", null)).isTrue();

        ProvisioningDeviceClientRegistrationResult again = device.register("reprov-deleted", key);

        assertThat(again.getIothubUri()).isEqualTo(HUB_A);
        // the Java SDK speaks api-version 2019-03-31, older than the substatus (2019-04-15)
        assertThat(again.getSubstatus()).isEqualTo(ProvisioningDeviceClientSubstatus.INITIAL_ASSIGNMENT);
        assertThat(server.store().findRegistration("reprov-deleted").orElseThrow().substatus())
                .isEqualTo(RegistrationSubstatus.REPROVISIONED_TO_INITIAL_ASSIGNMENT);
    }

    @Test
    void deletedRecord_whenDeviceOnApi20211001RegistersAgainToTheSameHub_thenReprovisionedToInitialAssignment()
            throws Exception {
        String key = newKey();
        enrollOn("reprov-deleted-new-api", key, HUB_A, MIGRATE);
        RawMqttDevice raw = new RawMqttDevice(server.idScope(), "reprov-deleted-new-api", key);
        assertThat(registerOverHttps(raw).path("substatus").asText()).isEqualTo("initialAssignment");
        assertThat(server.store().deleteRegistration("reprov-deleted-new-api", null)).isTrue();

        JsonNode again = registerOverHttps(raw);

        assertThat(again.path("assignedHub").asText()).isEqualTo(HUB_A);
        assertThat(again.path("substatus").asText()).isEqualTo("reprovisionedToInitialAssignment");
    }

    /** Registers with api-version 2021-10-01 over the HTTPS device API; the final registrationState. */
    private static JsonNode registerOverHttps(RawMqttDevice raw) throws Exception {
        String base = "/" + server.idScope() + "/registrations/" + raw.registrationId();
        try (RawHttpsClient client = RawHttpsClient.connect(server.httpsPort(), server.caCertificate())) {
            RawHttpsClient.Response accepted = client.exchange(request("PUT", base + "/register?api-version=2021-10-01")
                    .header("Host", client.host()).header("Content-Type", "application/json")
                    .header("Authorization", raw.sasToken()).body("{}"));
            assertThat(accepted.status()).isEqualTo(202);
            String operationId = accepted.json().path("operationId").asText();
            for (int i = 0; i < 100; i++) {
                RawHttpsClient.Response polled = client.exchange(request("GET", base + "/operations/" + operationId
                        + "?api-version=2021-10-01").header("Host", client.host())
                        .header("Authorization", raw.sasToken()));
                if (polled.status() == 200) {
                    return polled.json().path("registrationState");
                }
                Thread.sleep(50);
            }
            throw new AssertionError("still assigning");
        }
    }

    @Test
    void neverReprovisionWithWebhook_whenDeviceRegistersAgain_thenWebhookIsOfferedOnlyTheCurrentHub()
            throws Exception {
        String key = newKey();
        server.store().putEnrollment(new IndividualEnrollment("reprov-webhook", null, null,
                AttestationMechanism.symmetricKey(key, key), null, null, null, null, ProvisioningStatus.ENABLED, NEVER,
                null, null, AllocationPolicy.CUSTOM, List.of(HUB_B, HUB_A),
                new CustomAllocationDefinition(webhook.url(), "2021-10-01"), null), null);
        ProvisioningDeviceClientRegistrationResult first = device.register("reprov-webhook", key);
        assertThat(first.getIothubUri()).isEqualTo(HUB_B);

        ProvisioningDeviceClientRegistrationResult second = device.register("reprov-webhook", key);

        assertThat(second.getIothubUri()).isEqualTo(HUB_B);
        assertThat(second.getSubstatus()).isEqualTo(ProvisioningDeviceClientSubstatus.INITIAL_ASSIGNMENT);
        JsonNode lastRequest = webhook.requests().get(webhook.requests().size() - 1);
        assertThat(lastRequest.get("linkedHubs").toString()).isEqualTo("[\"" + HUB_B + "\"]");
        assertThat(lastRequest.get("deviceRuntimeContext").get("currentIotHubHostName").asText()).isEqualTo(HUB_B);
        assertThat(lastRequest.get("deviceRuntimeContext").get("currentDeviceId").asText()).isEqualTo("reprov-webhook");
        assertThat(second.getProvisioningPayload()).contains(HUB_B);
    }
}
