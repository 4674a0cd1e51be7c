package io.dpsemu.server.it;

import static io.dpsemu.server.rawhttp.RawHttpsClient.request;
import static io.dpsemu.server.rawmqtt.RawMqttPackets.poll;
import static io.dpsemu.server.rawmqtt.RawMqttPackets.register;
import static org.assertj.core.api.Assertions.assertThat;

import io.dpsemu.protocol.enrollment.IndividualEnrollment;
import io.dpsemu.server.DpsServer;
import io.dpsemu.server.config.ConfigLoader;
import io.dpsemu.server.rawhttp.RawHttpsClient;
import io.dpsemu.server.rawmqtt.RawMqttClient;
import io.dpsemu.server.rawmqtt.RawMqttDevice;
import io.dpsemu.server.rawmqtt.RawMqttReply;
import io.netty.handler.codec.mqtt.MqttMessageType;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * DPS-like quotas on real servers: over the configured rate a device gets 429 with retry-after. The
 * poll quota and the registration quota each have a server of their own, so one test's registrations
 * never use up another's quota.
 */
@Timeout(60)
class ThrottlingIT {

    private static final int POLLS_PER_10_SECONDS = 3;
    private static final int REGISTRATIONS_PER_MINUTE = 5;

    @TempDir
    static Path dataDir;

    private static DpsServer pollsLimited;

    @BeforeAll
    static void start() {
        pollsLimited = start(dataDir.resolve("polls"), "throttling.pollsPerDevicePer10Seconds", POLLS_PER_10_SECONDS);
    }

    @AfterAll
    static void stop() {
        pollsLimited.close();
    }

    private static DpsServer start(Path dir, String quota, int limit) {
        return DpsServer.start(ConfigLoader.load(null, Map.of(), Map.of(
                "dataDir", dir.toString(), "store", "memory", "bind", "127.0.0.1", "mqttPort", 0, "httpsPort", 0,
                quota, limit)));
    }

    private static RawMqttDevice enroll(DpsServer server, String registrationId) {
        String key = RawMqttDevice.newKey();
        server.store().putEnrollment(IndividualEnrollment.symmetricKey(registrationId, key, key), null);
        return new RawMqttDevice(server.idScope(), registrationId, key);
    }

    private static RawMqttClient connected(DpsServer server, RawMqttDevice device) throws IOException {
        return RawMqttClient.session(server.mqttPort(), server.caCertificate(), device);
    }

    @Test
    void polls_whenDeviceExceedsItsRatePer10Seconds_thenMqtt429WithRetryAfterAndOtherDevicesUnaffected()
            throws Exception {
        RawMqttDevice device = enroll(pollsLimited, "throttle-poller");
        RawMqttDevice neighbour = enroll(pollsLimited, "throttle-neighbour");
        try (RawMqttClient client = connected(pollsLimited, device);
                RawMqttClient other = connected(pollsLimited, neighbour)) {
            client.send(register("r", 0, 0, ""));
            String operationId = client.next(MqttMessageType.PUBLISH).json().path("operationId").asText();

            for (int i = 0; i < POLLS_PER_10_SECONDS; i++) {
                client.send(poll("p" + i, operationId, 0, 0));
                assertThat(client.next(MqttMessageType.PUBLISH).status()).as("poll %d", i).isIn(200, 202);
            }
            client.send(poll("over", operationId, 0, 0));
            RawMqttReply throttled = client.next(MqttMessageType.PUBLISH);

            assertThat(throttled.status()).isEqualTo(429);
            assertThat(throttled.topic()).matches("\\$dps/registrations/res/429/\\?\\$rid=over&retry-after=([1-9]|10)");
            assertThat(throttled.json().path("errorCode").asInt()).isEqualTo(429001);
            assertThat(throttled.json().path("message").asText()).contains("pollsPerDevicePer10Seconds");

            other.send(register("r", 0, 0, ""));
            String otherOperation = other.next(MqttMessageType.PUBLISH).json().path("operationId").asText();
            other.send(poll("p", otherOperation, 0, 0));
            assertThat(other.next(MqttMessageType.PUBLISH).status()).isIn(200, 202);
        }
    }

    @Test
    void polls_whenDeviceExceedsItsRateOverHttps_then429WithRetryAfterHeader() throws Exception {
        RawMqttDevice device = enroll(pollsLimited, "throttle-https");
        try (RawHttpsClient client = RawHttpsClient.connect(pollsLimited.httpsPort(), pollsLimited.caCertificate())) {
            String base = "/" + pollsLimited.idScope() + "/registrations/throttle-https";
            RawHttpsClient.Response accepted = client.exchange(request("PUT", base + "/register?api-version=2021-06-01")
                    .header("Host", client.host()).header("Content-Type", "application/json")
                    .header("Authorization", device.sasToken()).body("{}"));
            String operationId = accepted.json().path("operationId").asText();
            RawHttpsClient.Response last = null;
            for (int i = 0; i <= POLLS_PER_10_SECONDS; i++) {
                last = client.exchange(request("GET", base + "/operations/" + operationId + "?api-version=2021-06-01")
                        .header("Host", client.host()).header("Authorization", device.sasToken()));
            }

            assertThat(last.status()).isEqualTo(429);
            assertThat(Integer.parseInt(last.header("Retry-After"))).isBetween(1, 10);
            assertThat(last.header("x-ms-error-code")).isEqualTo("429001");
        }
    }

    @Test
    void registrations_whenStatusLookupAndRegistersExceedThePerMinuteQuota_thenRegister429() throws Exception {
        try (DpsServer registrationsLimited = start(dataDir.resolve("registrations"),
                "throttling.registrationsPerMinute", REGISTRATIONS_PER_MINUTE);
                RawMqttClient client =
                        connected(registrationsLimited, enroll(registrationsLimited, "throttle-registrar"))) {
            // a status lookup counts as a registration, as in DPS
            RawMqttDevice looker = enroll(registrationsLimited, "throttle-looker");
            try (RawHttpsClient https = RawHttpsClient.connect(registrationsLimited.httpsPort(),
                    registrationsLimited.caCertificate())) {
                RawHttpsClient.Response lookup = https.exchange(request("POST", "/" + registrationsLimited.idScope()
                        + "/registrations/throttle-looker?api-version=2021-06-01").header("Host", https.host())
                        .header("Content-Type", "application/json").header("Authorization", looker.sasToken())
                        .body("{}"));
                assertThat(lookup.status()).as("never registered").isEqualTo(404);
            }
            int accepted = 0;
            RawMqttReply refused = null;
            for (int i = 0; i < REGISTRATIONS_PER_MINUTE * 3 && refused == null; i++) {
                client.send(register("r" + i, 0, 0, ""));
                RawMqttReply reply = client.next(MqttMessageType.PUBLISH);
                if (reply.status() == 429) {
                    refused = reply;
                } else {
                    accepted++;
                }
            }

            assertThat(refused).isNotNull();
            assertThat(accepted).isEqualTo(REGISTRATIONS_PER_MINUTE - 1);
            assertThat(refused.json().path("message").asText()).contains("registrationsPerMinute");
            assertThat(refused.topic()).contains("&retry-after=");
        }
    }
}
