package io.dpsemu.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.azure.sdk.iot.provisioning.device.ProvisioningDeviceClientRegistrationResult;
import com.microsoft.azure.sdk.iot.provisioning.device.ProvisioningDeviceClientStatus;
import io.dpsemu.protocol.auth.DerivedKeys;
import io.dpsemu.server.DpsServer;
import io.dpsemu.store.RegistrationRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** On SQLite, what a device was told survives a restart, and so do enrollments, id scope and CA. */
@Tag("sdk")
@Timeout(180)
class RestartDurabilityIT {

    private static final String DEVICE_KEY = SymmetricKeyProvisioningIT.newKey();
    private static final String GROUP_KEY = SymmetricKeyProvisioningIT.newKey();

    @TempDir
    Path dataDir;

    @Test
    void sqliteStore_whenServerRestarts_thenRecordsEnrollmentsScopeAndCaSurvive() throws Exception {
        Path seed = dataDir.resolve("seed.yaml");
        Files.writeString(seed, """
                enrollments:
                  - registrationId: restart-device
                    deviceId: restart-device-id
                    attestation:
                      type: symmetricKey
                      symmetricKey:
                        primaryKey: %s
                enrollmentGroups:
                  - enrollmentGroupId: restart-group
                    attestation:
                      type: symmetricKey
                      symmetricKey:
                        primaryKey: %s
                """.formatted(DEVICE_KEY, GROUP_KEY));
        Map<String, Object> seeded = Map.of("enrollments", seed.toString());
        Path data = dataDir.resolve("data");

        String idScope;
        byte[] ca;
        RegistrationRecord individual;
        RegistrationRecord grouped;
        try (DpsServer server = TestServers.start(data, "sqlite", seeded, Clock.systemUTC())) {
            idScope = server.idScope();
            ca = Files.readAllBytes(server.caCertificate());
            AzureSdkDevice device = new AzureSdkDevice(idScope, server.caCertificate());
            assertAssigned(device.register("restart-device", DEVICE_KEY));
            assertAssigned(device.register("restart-member", DerivedKeys.deviceKey(GROUP_KEY, "restart-member")));
            individual = server.store().findRegistration("restart-device").orElseThrow();
            grouped = server.store().findRegistration("restart-member").orElseThrow();
        }

        try (DpsServer server = TestServers.start(data, "sqlite", seeded, Clock.systemUTC())) {
            assertThat(server.idScope()).isEqualTo(idScope);
            assertThat(Files.readAllBytes(server.caCertificate())).isEqualTo(ca);
            assertThat(server.store().findRegistration("restart-device")).contains(individual);
            assertThat(server.store().findRegistration("restart-member")).contains(grouped);
            assertThat(server.store().findEnrollment("restart-device")).get()
                    .satisfies(e -> assertThat(e.attestation().symmetricKey().primaryKey()).isEqualTo(DEVICE_KEY));

            AzureSdkDevice device = new AzureSdkDevice(server.idScope(), server.caCertificate());
            ProvisioningDeviceClientRegistrationResult again = device.register("restart-device", DEVICE_KEY);
            assertAssigned(again);
            assertThat(again.getDeviceId()).isEqualTo("restart-device-id");
            assertThat(again.getIothubUri()).isEqualTo(individual.assignedHub());
            assertThat(server.store().findRegistration("restart-device")).get()
                    .satisfies(r -> assertThat(r.createdDateTimeUtc()).isEqualTo(individual.createdDateTimeUtc()));
        }
    }

    private static void assertAssigned(ProvisioningDeviceClientRegistrationResult result) {
        assertThat(result.getProvisioningDeviceClientStatus())
                .isEqualTo(ProvisioningDeviceClientStatus.PROVISIONING_DEVICE_STATUS_ASSIGNED);
    }
}
