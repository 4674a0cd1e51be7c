package io.dpsemu.server.it;

import static io.dpsemu.server.it.SymmetricKeyProvisioningIT.newKey;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.azure.sdk.iot.provisioning.device.ProvisioningDeviceClientRegistrationResult;
import com.microsoft.azure.sdk.iot.provisioning.device.ProvisioningDeviceClientStatus;
import com.microsoft.azure.sdk.iot.provisioning.device.ProvisioningDeviceClientSubstatus;
import com.microsoft.azure.sdk.iot.provisioning.device.ProvisioningDeviceClientTransportProtocol;
import com.microsoft.azure.sdk.iot.provisioning.device.internal.exceptions.ProvisioningDeviceHubException;
import io.dpsemu.protocol.auth.DerivedKeys;
import io.dpsemu.protocol.enrollment.AllocationPolicy;
import io.dpsemu.protocol.enrollment.AttestationMechanism;
import io.dpsemu.protocol.enrollment.CustomAllocationDefinition;
import io.dpsemu.protocol.enrollment.DeviceCapabilities;
import io.dpsemu.protocol.enrollment.EnrollmentGroup;
import io.dpsemu.protocol.enrollment.IndividualEnrollment;
import io.dpsemu.protocol.enrollment.ProvisioningStatus;
import io.dpsemu.protocol.json.DpsJson;
import io.dpsemu.server.DpsServer;
import io.dpsemu.server.allocation.WebhookServer;
import io.dpsemu.server.config.LinkedHub;
import io.dpsemu.store.RegistrationRecord;
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
 * Custom allocation end to end: the official Java device SDK registers, dpsemu calls a real webhook
 * (the JDK's HTTP server) and the device gets the hub and payload the webhook chose, or a failed
 * registration that names why.
 */
@Tag("sdk")
@Timeout(120)
class CustomAllocationIT {

    private static final String HUB_A = "hub-a.azure-devices.net";
    private static final String HUB_B = "hub-b.azure-devices.net";
    private static final String HUB_C = "hub-c.azure-devices.net";
    /** Healthy webhook calls must finish within it even on a loaded machine; the slow one takes 3 times as long. */
    private static final int WEBHOOK_TIMEOUT_MILLIS = 5000;

    @TempDir
    static Path dataDir;

    private static DpsServer server;
    private static WebhookServer webhook;

    @BeforeAll
    static void start() throws Exception {
        webhook = new WebhookServer(CustomAllocationIT::answer);
        server = TestServers.start(dataDir, "memory", Map.of(
                "linkedHubs", List.of(LinkedHub.of(HUB_A), LinkedHub.of(HUB_B), new LinkedHub(HUB_C, 1, false)),
                "allocation.webhookTimeoutMillis", WEBHOOK_TIMEOUT_MILLIS), Clock.systemUTC());
    }

    @AfterAll
    static void stop() {
        server.close();
        webhook.close();
    }

    /**
     * The webhook's behaviour, chosen by the registration id so tests can share one server; by
     * default it picks the last hub offered and echoes the device's payload.
     */
    private static WebhookServer.Reply answer(JsonNode request) {
        String registrationId = request.get("deviceRuntimeContext").get("registrationId").asText();
        if (registrationId.startsWith("webhook-500")) {
            return new WebhookServer.Reply(500, "{\"error\":\"boom\"}", 0);
        }
        if (registrationId.startsWith("webhook-slow")) {
            return new WebhookServer.Reply(200, "{\"iotHubHostName\":\"" + HUB_A + "\"}", WEBHOOK_TIMEOUT_MILLIS * 3L);
        }
        if (registrationId.startsWith("webhook-stranger")) {
            return WebhookServer.Reply.ok("{\"iotHubHostName\":\"elsewhere.azure-devices.net\"}");
        }
        if (registrationId.startsWith("webhook-group")) {
            return WebhookServer.Reply.ok("{\"iotHubHostName\":\"" + HUB_B + "\"}");
        }
        JsonNode offered = request.get("linkedHubs");
        return WebhookServer.Reply.ok("{\"iotHubHostName\":" + offered.get(offered.size() - 1) + ","
                + "\"initialTwin\":{\"tags\":{\"plant\":\"north\"},\"properties\":{\"desired\":{\"interval\":30}}},"
                + "\"payload\":{\"firmwareUrl\":\"https://fw.example/2.1\",\"echo\":"
                + request.get("deviceRuntimeContext").get("payload") + "}}");
    }

    private static CustomAllocationDefinition webhookDefinition() {
        return new CustomAllocationDefinition(webhook.url(), "2021-10-01");
    }

    private static String individual(String registrationId) {
        String key = newKey();
        server.store().putEnrollment(new IndividualEnrollment(registrationId, null, null,
                AttestationMechanism.symmetricKey(key, newKey()), new DeviceCapabilities(true), null, null, null,
                ProvisioningStatus.ENABLED, null, null, null, AllocationPolicy.CUSTOM, null, webhookDefinition(), null),
                null);
        return key;
    }

    private static JsonNode requestOf(String registrationId) {
        return webhook.requests().stream()
                .filter(r -> r.get("deviceRuntimeContext").get("registrationId").asText().equals(registrationId))
                .reduce((first, second) -> second).orElseThrow();
    }

    private static JsonNode json(String text) {
        return DpsJson.read(text, JsonNode.class);
    }

    @Test
    void customPolicy_whenSdkRegistersWithPayload_thenWebhookChoosesHubAndItsPayloadReachesTheDevice()
            throws Exception {
        String key = individual("custom-device-1");
        AzureSdkDevice device = new AzureSdkDevice(server.idScope(), server.caCertificate());

        ProvisioningDeviceClientRegistrationResult result =
                device.register("custom-device-1", key, "{\"model\":\"thermostat\",\"line\":7}");

        assertThat(result.getProvisioningDeviceClientStatus())
                .isEqualTo(ProvisioningDeviceClientStatus.PROVISIONING_DEVICE_STATUS_ASSIGNED);
        assertThat(result.getIothubUri()).isEqualTo(HUB_B);
        assertThat(result.getSubstatus()).isEqualTo(ProvisioningDeviceClientSubstatus.INITIAL_ASSIGNMENT);
        assertThat(json(result.getProvisioningPayload())).isEqualTo(json("{\"firmwareUrl\":\"https://fw.example/2.1\","
                + "\"echo\":{\"model\":\"thermostat\",\"line\":7}}"));

        JsonNode request = requestOf("custom-device-1");
        assertThat(request.get("deviceRuntimeContext")).isEqualTo(json("{\"registrationId\":\"custom-device-1\","
                + "\"symmetricKey\":{},\"payload\":{\"model\":\"thermostat\",\"line\":7}}"));
        assertThat(request.get("individualEnrollment").get("attestation"))
                .isEqualTo(json("{\"type\":\"symmetricKey\"}"));
        assertThat(request.toString()).doesNotContain(key);
        // hub C is linked with applyAllocationPolicy false: offered only to enrollments that name it
        assertThat(request.get("linkedHubs")).isEqualTo(json("[\"" + HUB_A + "\",\"" + HUB_B + "\"]"));
    }

    @Test
    void customPolicy_whenEnrollmentNamesHubs_thenOnlyThoseAreOfferedAndTwinAndEdgeAreRecorded() throws Exception {
        String key = newKey();
        server.store().putEnrollment(new IndividualEnrollment("custom-device-2", null, null,
                AttestationMechanism.symmetricKey(key, newKey()), new DeviceCapabilities(true), null, null, null,
                ProvisioningStatus.ENABLED, null, null, null, AllocationPolicy.CUSTOM, List.of(HUB_A, HUB_C),
                webhookDefinition(), null), null);
        AzureSdkDevice device = new AzureSdkDevice(server.idScope(), server.caCertificate(),
                ProvisioningDeviceClientTransportProtocol.HTTPS);

        ProvisioningDeviceClientRegistrationResult result = device.register("custom-device-2", key);

        assertThat(result.getIothubUri()).isEqualTo(HUB_C);
        assertThat(requestOf("custom-device-2").get("linkedHubs"))
                .isEqualTo(json("[\"" + HUB_A + "\",\"" + HUB_C + "\"]"));
        RegistrationRecord record = server.store().findRegistration("custom-device-2").orElseThrow();
        assertThat(record.initialTwin()).isEqualTo(json("{\"tags\":{\"plant\":\"north\"},"
                + "\"properties\":{\"desired\":{\"interval\":30}}}"));
        assertThat(record.capabilities().iotEdge()).isTrue();
        assertThat(record.payload().get("firmwareUrl").asText()).isEqualTo("https://fw.example/2.1");
    }

    @Test
    void customPolicy_whenGroupDeviceOverWebSocketAndWebhookSendsNoTwin_thenEnrollmentTwinIsRecorded()
            throws Exception {
        String groupKey = newKey();
        server.store().putGroup(new EnrollmentGroup("custom-group", AttestationMechanism.symmetricKey(groupKey,
                newKey()), null, null, json("{\"tags\":{\"source\":\"enrollment\"}}"), null, ProvisioningStatus.ENABLED,
                null, null, null, AllocationPolicy.CUSTOM, null, webhookDefinition(), null), null);
        AzureSdkDevice device = new AzureSdkDevice(server.idScope(), server.caCertificate(),
                ProvisioningDeviceClientTransportProtocol.MQTT_WS);

        ProvisioningDeviceClientRegistrationResult result =
                device.register("webhook-group-1", DerivedKeys.deviceKey(groupKey, "webhook-group-1"));

        assertThat(result.getIothubUri()).isEqualTo(HUB_B);
        assertThat(result.getProvisioningPayload()).isNull();
        JsonNode request = requestOf("webhook-group-1");
        assertThat(request.get("enrollmentGroup").get("enrollmentGroupId").asText()).isEqualTo("custom-group");
        assertThat(request.get("deviceRuntimeContext").has("payload")).isFalse();
        assertThat(server.store().findRegistration("webhook-group-1").orElseThrow().initialTwin())
                .isEqualTo(json("{\"tags\":{\"source\":\"enrollment\"}}"));
    }

    @Test
    void customPolicy_whenWebhookAnswers500_thenRegistrationFailsWithTheStatusCode() throws Exception {
        String key = individual("webhook-500-device");
        AzureSdkDevice device = new AzureSdkDevice(server.idScope(), server.caCertificate());

        AzureSdkDevice.Outcome outcome = device.registerWithCallback("webhook-500-device", key);

        assertThat(outcome.result().getProvisioningDeviceClientStatus())
                .isEqualTo(ProvisioningDeviceClientStatus.PROVISIONING_DEVICE_STATUS_FAILED);
        assertThat(outcome.error()).isInstanceOf(ProvisioningDeviceHubException.class)
                .hasMessageContaining("Custom allocation failed with status code: 500");
        assertThat(((ProvisioningDeviceHubException) outcome.error()).getErrorCode()).isEqualTo(400207);
        assertThat(server.store().findRegistration("webhook-500-device")).isEmpty();
    }

    @Test
    void customPolicy_whenWebhookTooSlow_thenRegistrationFailsNamingTheTimeout() throws Exception {
        String key = individual("webhook-slow-device");
        AzureSdkDevice device = new AzureSdkDevice(server.idScope(), server.caCertificate(),
                ProvisioningDeviceClientTransportProtocol.HTTPS);

        AzureSdkDevice.Outcome outcome = device.registerWithCallback("webhook-slow-device", key);

        assertThat(outcome.result().getProvisioningDeviceClientStatus())
                .isEqualTo(ProvisioningDeviceClientStatus.PROVISIONING_DEVICE_STATUS_FAILED);
        assertThat(outcome.error()).isInstanceOf(ProvisioningDeviceHubException.class)
                .hasMessageContaining("did not answer within " + WEBHOOK_TIMEOUT_MILLIS + " ms");
        assertThat(((ProvisioningDeviceHubException) outcome.error()).getErrorCode()).isEqualTo(400207);
        assertThat(server.store().findRegistration("webhook-slow-device")).isEmpty();
    }

    @Test
    void customPolicy_whenWebhookNamesHubNotOffered_thenRegistrationFailsNamingTheHub() throws Exception {
        String key = individual("webhook-stranger-device");
        AzureSdkDevice device = new AzureSdkDevice(server.idScope(), server.caCertificate());

        AzureSdkDevice.Outcome outcome = device.registerWithCallback("webhook-stranger-device", key);

        assertThat(outcome.result().getProvisioningDeviceClientStatus())
                .isEqualTo(ProvisioningDeviceClientStatus.PROVISIONING_DEVICE_STATUS_FAILED);
        assertThat(outcome.error()).hasMessageContaining("'elsewhere.azure-devices.net' is not one of the linked hubs");
    }
}
