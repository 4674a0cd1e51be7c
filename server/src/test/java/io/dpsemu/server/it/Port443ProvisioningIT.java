package io.dpsemu.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.microsoft.azure.sdk.iot.provisioning.device.ProvisioningDeviceClientRegistrationResult;
import com.microsoft.azure.sdk.iot.provisioning.device.ProvisioningDeviceClientStatus;
import com.microsoft.azure.sdk.iot.provisioning.device.ProvisioningDeviceClientTransportProtocol;
import io.dpsemu.protocol.auth.DerivedKeys;
import io.dpsemu.protocol.enrollment.EnrollmentGroup;
import io.dpsemu.protocol.enrollment.IndividualEnrollment;
import io.dpsemu.server.DpsServer;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The official Azure IoT Java provisioning client over the two transports of port 443: MQTT over
 * WebSocket (Paho, path /mqtt) and the HTTPS device API (a new TLS connection per request).
 */
@Tag("sdk")
@Timeout(300)
class Port443ProvisioningIT {

    private static final String HUB = "dpsemu-hub.local";
    private static final int RUNS = 10;

    @TempDir
    static Path dataDir;

    private static DpsServer server;

    @BeforeAll
    static void startServer() {
        server = TestServers.start(dataDir, "memory");
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @ParameterizedTest
    @EnumSource(value = ProvisioningDeviceClientTransportProtocol.class, names = {"MQTT_WS", "HTTPS"})
    void individualEnrollment_whenRegisteredRepeatedly_thenAssignedEveryTime(
            ProvisioningDeviceClientTransportProtocol transport) throws Exception {
        String registrationId = "port443-" + transport.name().toLowerCase().replace('_', '-');
        String key = SymmetricKeyProvisioningIT.newKey();
        server.store().putEnrollment(IndividualEnrollment.symmetricKey(registrationId, key,
                SymmetricKeyProvisioningIT.newKey()), null);
        AzureSdkDevice device = new AzureSdkDevice(server.idScope(), server.caCertificate(), transport);

        for (int run = 0; run < RUNS; run++) {
            ProvisioningDeviceClientRegistrationResult result = device.register(registrationId, key);
            assertThat(result.getProvisioningDeviceClientStatus()).as("run %d", run)
                    .isEqualTo(ProvisioningDeviceClientStatus.PROVISIONING_DEVICE_STATUS_ASSIGNED);
            assertThat(result.getIothubUri()).as("run %d", run).isEqualTo(HUB);
            assertThat(result.getDeviceId()).as("run %d", run).isEqualTo(registrationId);
        }
    }

    @ParameterizedTest
    @EnumSource(value = ProvisioningDeviceClientTransportProtocol.class, names = {"MQTT_WS", "HTTPS"})
    void groupEnrollment_whenDevicesUseDerivedKeys_thenEachIsAssigned(
            ProvisioningDeviceClientTransportProtocol transport) throws Exception {
        String groupKey = SymmetricKeyProvisioningIT.newKey();
        String groupId = "group-443-" + transport.name().toLowerCase().replace('_', '-');
        server.store().putGroup(EnrollmentGroup.symmetricKey(groupId, groupKey, SymmetricKeyProvisioningIT.newKey()),
                null);
        AzureSdkDevice device = new AzureSdkDevice(server.idScope(), server.caCertificate(), transport);

        for (int run = 0; run < RUNS; run++) {
            String registrationId = groupId + "-device-" + run;
            ProvisioningDeviceClientRegistrationResult result =
                    device.register(registrationId, DerivedKeys.deviceKey(groupKey, registrationId));
            assertThat(result.getProvisioningDeviceClientStatus()).as("run %d", run)
                    .isEqualTo(ProvisioningDeviceClientStatus.PROVISIONING_DEVICE_STATUS_ASSIGNED);
            assertThat(result.getDeviceId()).as("run %d", run).isEqualTo(registrationId);
            assertThat(server.store().findRegistration(registrationId)).get()
                    .satisfies(r -> assertThat(r.enrollmentGroupId()).isEqualTo(groupId));
        }
    }

    @ParameterizedTest
    @EnumSource(value = ProvisioningDeviceClientTransportProtocol.class, names = {"MQTT_WS", "HTTPS"})
    void wrongKey_whenSdkRegisters_thenRefusedWithTheReason(ProvisioningDeviceClientTransportProtocol transport)
            throws Exception {
        String registrationId = "port443-wrong-" + transport.name().toLowerCase().replace('_', '-');
        server.store().putEnrollment(IndividualEnrollment.symmetricKey(registrationId,
                SymmetricKeyProvisioningIT.newKey(), SymmetricKeyProvisioningIT.newKey()), null);
        AzureSdkDevice device = new AzureSdkDevice(server.idScope(), server.caCertificate(), transport);

        assertThatThrownBy(() -> device.register(registrationId, SymmetricKeyProvisioningIT.newKey()))
                .satisfies(e -> assertThat(SymmetricKeyProvisioningIT.fullMessage(e)).contains("signature"));
        assertThat(server.store().findRegistration(registrationId)).isEmpty();
    }
}
