package io.dpsemu.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.microsoft.azure.sdk.iot.provisioning.device.ProvisioningDeviceClientRegistrationResult;
import com.microsoft.azure.sdk.iot.provisioning.device.ProvisioningDeviceClientStatus;
import com.microsoft.azure.sdk.iot.provisioning.device.ProvisioningDeviceClientSubstatus;
import io.dpsemu.protocol.auth.DerivedKeys;
import io.dpsemu.protocol.enrollment.EnrollmentGroup;
import io.dpsemu.protocol.enrollment.IndividualEnrollment;
import io.dpsemu.protocol.enrollment.ProvisioningStatus;
import io.dpsemu.server.DpsServer;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The official Azure IoT Java provisioning client, unchanged, against a real dpsemu over MQTT on 8883. */
@Tag("sdk")
@Timeout(120)
class SymmetricKeyProvisioningIT {

    private static final String HUB = "dpsemu-hub.local";

    @TempDir
    static Path dataDir;

    private static DpsServer server;
    private static AzureSdkDevice device;

    @BeforeAll
    static void startServer() throws Exception {
        server = TestServers.start(dataDir, "memory");
        device = new AzureSdkDevice(server.idScope(), server.caCertificate());
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @Test
    void individualEnrollment_whenSdkRegisters_thenAssignedToHubWithEnrollmentDeviceId() throws Exception {
        String key = newKey();
        server.store().putEnrollment(withDeviceId(IndividualEnrollment.symmetricKey("sdk-individual-1", key, newKey()),
                "custom-device-id"), null);

        ProvisioningDeviceClientRegistrationResult result = device.register("sdk-individual-1", key);

        assertThat(result.getProvisioningDeviceClientStatus())
                .isEqualTo(ProvisioningDeviceClientStatus.PROVISIONING_DEVICE_STATUS_ASSIGNED);
        assertThat(result.getIothubUri()).isEqualTo(HUB);
        assertThat(result.getDeviceId()).isEqualTo("custom-device-id");
        assertThat(result.getRegistrationId()).isEqualTo("sdk-individual-1");
        assertThat(result.getSubstatus()).isEqualTo(ProvisioningDeviceClientSubstatus.INITIAL_ASSIGNMENT);
        assertThat(server.store().findRegistration("sdk-individual-1")).get()
                .satisfies(r -> assertThat(r.assignedHub()).isEqualTo(HUB))
                .satisfies(r -> assertThat(r.deviceId()).isEqualTo("custom-device-id"));
    }

    @Test
    void groupEnrollment_whenSdkUsesDerivedKey_thenAssignedWithRegistrationIdAsDeviceId() throws Exception {
        String groupKey = newKey();
        server.store().putGroup(EnrollmentGroup.symmetricKey("sdk-group", groupKey, newKey()), null);

        ProvisioningDeviceClientRegistrationResult result =
                device.register("group-device-7", DerivedKeys.deviceKey(groupKey, "group-device-7"));

        assertThat(result.getProvisioningDeviceClientStatus())
                .isEqualTo(ProvisioningDeviceClientStatus.PROVISIONING_DEVICE_STATUS_ASSIGNED);
        assertThat(result.getIothubUri()).isEqualTo(HUB);
        assertThat(result.getDeviceId()).isEqualTo("group-device-7");
        assertThat(server.store().findRegistration("group-device-7")).get()
                .satisfies(r -> assertThat(r.enrollmentGroupId()).isEqualTo("sdk-group"));
    }

    @Test
    void groupEnrollment_whenSdkSignsWithTheGroupKeyItself_thenRefused() {
        String groupKey = newKey();
        server.store().putGroup(EnrollmentGroup.symmetricKey("sdk-group-raw", groupKey, newKey()), null);

        assertThatThrownBy(() -> device.register("group-device-raw", groupKey)).isInstanceOf(Exception.class);
        assertThat(server.store().findRegistration("group-device-raw")).isEmpty();
    }

    @Test
    void wrongKey_whenSdkRegisters_thenSdkFailsAndNothingIsRecorded() {
        server.store().putEnrollment(IndividualEnrollment.symmetricKey("sdk-wrong-key", newKey(), newKey()), null);

        assertThatThrownBy(() -> device.register("sdk-wrong-key", newKey()))
                .isInstanceOf(Exception.class)
                .satisfies(e -> assertThat(fullMessage(e)).contains("signature"));
        assertThat(server.store().findRegistration("sdk-wrong-key")).isEmpty();
    }

    @Test
    void unknownRegistrationId_whenSdkRegisters_thenSdkFailsWithTheReason() {
        assertThatThrownBy(() -> device.register("sdk-nobody-" + System.nanoTime(), newKey()))
                .isInstanceOf(Exception.class)
                .satisfies(e -> assertThat(fullMessage(e)).contains("no individual enrollment"));
    }

    @Test
    void disabledEnrollment_whenSdkRegisters_thenStatusDisabled() throws Exception {
        String key = newKey();
        server.store().putEnrollment(IndividualEnrollment.symmetricKey("sdk-disabled", key, newKey())
                .withProvisioningStatus(ProvisioningStatus.DISABLED), null);

        AzureSdkDevice.Outcome outcome = device.registerWithCallback("sdk-disabled", key);

        assertThat(outcome.result().getProvisioningDeviceClientStatus())
                .isEqualTo(ProvisioningDeviceClientStatus.PROVISIONING_DEVICE_STATUS_DISABLED);
        assertThat(outcome.error()).hasMessageContaining("is disabled");
        assertThat(server.store().findRegistration("sdk-disabled")).isEmpty();
    }

    @Test
    void customPayload_whenSdkSendsIt_thenAccepted() throws Exception {
        String key = newKey();
        server.store().putEnrollment(IndividualEnrollment.symmetricKey("sdk-payload", key, newKey()), null);

        ProvisioningDeviceClientRegistrationResult result =
                device.register("sdk-payload", key, "{\"modelId\":\"dtmi:com:example:Thermostat;1\"}");

        assertThat(result.getProvisioningDeviceClientStatus())
                .isEqualTo(ProvisioningDeviceClientStatus.PROVISIONING_DEVICE_STATUS_ASSIGNED);
        assertThat(result.getIothubUri()).isEqualTo(HUB);
    }

    @Test
    @Timeout(600)
    void individualEnrollment_whenRegisteredTwentyTimesInARow_thenAssignedEveryTime() throws Exception {
        String key = newKey();
        server.store().putEnrollment(IndividualEnrollment.symmetricKey("sdk-repeat", key, newKey()), null);

        for (int i = 0; i < 20; i++) {
            ProvisioningDeviceClientRegistrationResult result = device.register("sdk-repeat", key);
            assertThat(result.getProvisioningDeviceClientStatus()).as("run %d", i)
                    .isEqualTo(ProvisioningDeviceClientStatus.PROVISIONING_DEVICE_STATUS_ASSIGNED);
            assertThat(result.getIothubUri()).as("run %d", i).isEqualTo(HUB);
        }
    }

    static String newKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    static String fullMessage(Throwable e) {
        StringBuilder text = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            text.append(t).append('\n');
        }
        return text.toString();
    }

    private static IndividualEnrollment withDeviceId(IndividualEnrollment e, String deviceId) {
        return new IndividualEnrollment(e.registrationId(), deviceId, e.optionalDeviceInformation(), e.attestation(),
                e.capabilities(), e.iotHubHostName(), e.initialTwin(), e.etag(), e.provisioningStatus(),
                e.reprovisionPolicy(), e.createdDateTimeUtc(), e.lastUpdatedDateTimeUtc(), e.allocationPolicy(),
                e.iotHubs(), e.customAllocationDefinition(), e.credentialPolicyName());
    }
}
