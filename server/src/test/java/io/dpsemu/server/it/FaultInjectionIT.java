package io.dpsemu.server.it;

import static io.dpsemu.server.rawhttp.RawHttpsClient.request;
import static io.dpsemu.server.rawmqtt.RawMqttPackets.poll;
import static io.dpsemu.server.rawmqtt.RawMqttPackets.register;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.azure.sdk.iot.provisioning.device.ProvisioningDeviceClientRegistrationResult;
import com.microsoft.azure.sdk.iot.provisioning.device.ProvisioningDeviceClientStatus;
import com.microsoft.azure.sdk.iot.provisioning.device.ProvisioningDeviceClientTransportProtocol;
import com.microsoft.azure.sdk.iot.provisioning.device.internal.exceptions.ProvisioningDeviceHubException;
import io.dpsemu.protocol.auth.DerivedKeys;
import io.dpsemu.protocol.auth.SasTokens;
import io.dpsemu.protocol.enrollment.EnrollmentGroup;
import io.dpsemu.protocol.enrollment.IndividualEnrollment;
import io.dpsemu.protocol.faults.FaultRuleSpec;
import io.dpsemu.server.DpsServer;
import io.dpsemu.server.config.ServicePolicyConfig;
import io.dpsemu.server.faults.FaultRuleState;
import io.dpsemu.server.rawhttp.RawHttpsClient;
import io.dpsemu.server.rawmqtt.RawMqttClient;
import io.dpsemu.server.rawmqtt.RawMqttDevice;
import io.dpsemu.server.rawmqtt.RawMqttReply;
import io.netty.handler.codec.mqtt.MqttMessageType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fault rules against real clients: a raw MQTT client that retries like the Node SDK (re-sends a
 * throttled register after retry-after), the official Java device SDK, and a raw HTTPS client.
 */
@Timeout(120)
class FaultInjectionIT {

    private static final Pattern RETRY_AFTER = Pattern.compile("[?&]retry-after=(\\d+)");
    private static final int MAX_ATTEMPTS = 20;
    private static final String ADMIN = "faults-admin";
    private static final String ADMIN_KEY = RawMqttDevice.newKey();

    @TempDir
    static Path dataDir;

    private static DpsServer server;

    @BeforeAll
    static void start() {
        server = TestServers.start(dataDir, "memory", Map.of("service.policies", List.of(new ServicePolicyConfig(ADMIN,
                List.of("EnrollmentRead", "EnrollmentWrite"), ADMIN_KEY, null))), Clock.systemUTC());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @AfterEach
    void clearRules() {
        server.faultRules().clear();
    }

    private static FaultRuleState addRule(String json) {
        return server.faultRules().add(FaultRuleSpec.fromJson(json.getBytes(StandardCharsets.UTF_8)));
    }

    private static RawMqttDevice enroll(String registrationId) {
        String key = RawMqttDevice.newKey();
        server.store().putEnrollment(IndividualEnrollment.symmetricKey(registrationId, key, RawMqttDevice.newKey()),
                null);
        return new RawMqttDevice(server.idScope(), registrationId, key);
    }

    private static RawMqttClient connected(RawMqttDevice device) throws IOException {
        return RawMqttClient.session(server.mqttPort(), server.caCertificate(), device);
    }

    private static int retryAfter(RawMqttReply reply) {
        Matcher matcher = RETRY_AFTER.matcher(reply.topic());
        assertThat(matcher.find()).as("retry-after in %s", reply.topic()).isTrue();
        return Integer.parseInt(matcher.group(1));
    }

    private static void sleepSeconds(int seconds) throws InterruptedException {
        Thread.sleep(seconds * 1000L);
    }

    @Test
    void throttleRule_whenNodeStyleClientRetriesAfterRetryAfter_thenItIsAssignedOnceTheRuleIsSpent() throws Exception {
        RawMqttDevice device = enroll("fault-429-device");
        addRule("{\"registrationId\":\"fault-429-*\",\"kinds\":[\"register\"],\"status\":429,"
                + "\"retryAfterSeconds\":1,\"maxHits\":2}");

        try (RawMqttClient client = connected(device)) {
            int throttled = 0;
            RawMqttReply accepted = null;
            for (int attempt = 0; attempt < MAX_ATTEMPTS && accepted == null; attempt++) {
                client.send(register(Integer.toString(attempt), 0, 0, ""));
                RawMqttReply reply = client.next(MqttMessageType.PUBLISH);
                if (reply.status() >= 429) {
                    // the Node SDK treats >= 429 as "still in progress" and re-sends after retry-after
                    assertThat(reply.status()).isEqualTo(429);
                    assertThat(reply.json().path("errorCode").asInt()).isEqualTo(429001);
                    throttled++;
                    sleepSeconds(retryAfter(reply));
                } else {
                    accepted = reply;
                }
            }

            assertThat(throttled).isEqualTo(2);
            assertThat(accepted.status()).isEqualTo(202);
            String operationId = accepted.json().path("operationId").asText();
            JsonNode done = null;
            for (int i = 0; i < MAX_ATTEMPTS && done == null; i++) {
                sleepSeconds(retryAfter(accepted));
                client.send(poll("p" + i, operationId, 0, 0));
                RawMqttReply reply = client.next(MqttMessageType.PUBLISH);
                done = reply.status() == 200 ? reply.json() : null;
            }
            assertThat(done).isNotNull();
            assertThat(done.path("status").asText()).isEqualTo("assigned");
        }
        assertThat(server.faultRules().list()).isEmpty();
    }

    @Tag("sdk")
    @Test
    void serverErrorRule_whenJavaSdkRegisters_thenSdkReportsTheErrorAndSucceedsOnceCleared() throws Exception {
        String key = SymmetricKeyProvisioningIT.newKey();
        server.store().putEnrollment(IndividualEnrollment.symmetricKey("fault-500-device", key, key), null);
        addRule("{\"registrationId\":\"fault-500-device\",\"status\":500,\"message\":\"injected outage\"}");
        AzureSdkDevice device = new AzureSdkDevice(server.idScope(), server.caCertificate());

        assertThatThrownBy(() -> device.register("fault-500-device", key))
                .satisfies(e -> assertThat(SymmetricKeyProvisioningIT.fullMessage(e)).contains("injected outage"));
        assertThat(server.store().findRegistration("fault-500-device")).isEmpty();

        server.faultRules().clear();
        ProvisioningDeviceClientRegistrationResult result = device.register("fault-500-device", key);
        assertThat(result.getProvisioningDeviceClientStatus())
                .isEqualTo(ProvisioningDeviceClientStatus.PROVISIONING_DEVICE_STATUS_ASSIGNED);
    }

    @Tag("sdk")
    @Test
    void failOperationRule_whenJavaSdkRegisters_thenOperationEndsFailedWithTheChosenErrorCode() throws Exception {
        String key = SymmetricKeyProvisioningIT.newKey();
        server.store().putEnrollment(IndividualEnrollment.symmetricKey("fault-failop-device", key, key), null);
        addRule("{\"registrationId\":\"fault-failop-*\",\"failOperation\":400209,\"message\":\"hub quota exceeded\"}");
        AzureSdkDevice device = new AzureSdkDevice(server.idScope(), server.caCertificate());

        AzureSdkDevice.Outcome outcome = device.registerWithCallback("fault-failop-device", key);

        assertThat(outcome.result().getProvisioningDeviceClientStatus())
                .isEqualTo(ProvisioningDeviceClientStatus.PROVISIONING_DEVICE_STATUS_FAILED);
        assertThat(outcome.error()).isInstanceOf(ProvisioningDeviceHubException.class)
                .hasMessageContaining("hub quota exceeded");
        assertThat(((ProvisioningDeviceHubException) outcome.error()).getErrorCode()).isEqualTo(400209);
    }

    @Test
    void delayRule_whenRawClientRegisters_thenTheAnswerComesNoSoonerThanTheDelay() throws Exception {
        RawMqttDevice device = enroll("fault-delay-device");
        addRule("{\"registrationId\":\"fault-delay-device\",\"kinds\":[\"register\"],\"delayMillis\":1500}");

        try (RawMqttClient client = connected(device)) {
            long start = System.nanoTime();
            client.send(register("1", 0, 0, ""));
            RawMqttReply reply = client.next(MqttMessageType.PUBLISH);
            long elapsedMillis = Duration.ofNanos(System.nanoTime() - start).toMillis();

            assertThat(reply.status()).isEqualTo(202);
            assertThat(elapsedMillis).isGreaterThanOrEqualTo(1500);
        }
    }

    @Test
    void delayRuleOnPolls_whenOperationFinishesDuringTheDelay_thenTheDelayedAnswerIsTheFinishedStatus()
            throws Exception {
        RawMqttDevice device = enroll("fault-delay-poll");
        addRule("{\"registrationId\":\"fault-delay-poll\",\"kinds\":[\"poll\"],\"delayMillis\":1000,"
                + "\"maxHits\":1}");

        try (RawMqttClient client = connected(device)) {
            client.send(register("r", 0, 0, ""));
            String operationId = client.next(MqttMessageType.PUBLISH).json().path("operationId").asText();
            client.send(poll("p", operationId, 0, 0));
            RawMqttReply reply = client.next(MqttMessageType.PUBLISH);

            assertThat(reply.status()).as("read when it leaves, not when it was asked").isEqualTo(200);
            assertThat(reply.json().path("status").asText()).isEqualTo("assigned");
        }
    }

    @Tag("sdk")
    @Test
    void webSocketOnlyRule_whenSdkRegistersOverWebSocketAndOverMqtt_thenOnlyTheWebSocketRegistrationFails()
            throws Exception {
        String key = SymmetricKeyProvisioningIT.newKey();
        server.store().putEnrollment(IndividualEnrollment.symmetricKey("fault-ws-device", key, key), null);
        addRule("{\"registrationId\":\"fault-ws-device\",\"transports\":[\"mqttws\"],\"status\":500,"
                + "\"message\":\"injected over websocket\"}");

        AzureSdkDevice overWebSocket = new AzureSdkDevice(server.idScope(), server.caCertificate(),
                ProvisioningDeviceClientTransportProtocol.MQTT_WS);
        assertThatThrownBy(() -> overWebSocket.register("fault-ws-device", key))
                .satisfies(e -> assertThat(SymmetricKeyProvisioningIT.fullMessage(e))
                        .contains("injected over websocket"));

        AzureSdkDevice overMqtt = new AzureSdkDevice(server.idScope(), server.caCertificate());
        assertThat(overMqtt.register("fault-ws-device", key).getProvisioningDeviceClientStatus())
                .isEqualTo(ProvisioningDeviceClientStatus.PROVISIONING_DEVICE_STATUS_ASSIGNED);
    }

    @Test
    void dropRule_whenRawMqttClientRegisters_thenTheServerClosesTheConnectionWithoutAnswer() throws Exception {
        RawMqttDevice device = enroll("fault-drop-mqtt");
        addRule("{\"registrationId\":\"fault-drop-*\",\"transports\":[\"mqtt\"],\"drop\":true}");

        try (RawMqttClient client = connected(device)) {
            client.send(register("1", 0, 0, ""));

            assertThat(client.awaitClosedByServer()).isTrue();
            assertThat(client.pending()).isZero();
        }
    }

    @Test
    void dropRule_whenRawHttpsClientRegisters_thenTheConnectionIsClosedWithoutResponse() throws Exception {
        RawMqttDevice device = enroll("fault-drop-https");
        addRule("{\"registrationId\":\"fault-drop-*\",\"transports\":[\"https\"],\"drop\":true}");

        try (RawHttpsClient client = RawHttpsClient.connect(server.httpsPort(), server.caCertificate())) {
            client.send(request("PUT", "/" + server.idScope() + "/registrations/fault-drop-https/register"
                    + "?api-version=2021-06-01")
                    .header("Host", client.host())
                    .header("Content-Type", "application/json")
                    .header("Authorization", device.sasToken())
                    .body("{\"registrationId\":\"fault-drop-https\"}"));

            assertThat(client.awaitClosedByServer()).isTrue();
            assertThat(client.pending()).isZero();
        }
    }

    @Test
    void pollRuleForAGroup_whenGroupDevicePolls_thenThatPollGets503AndTheNextOneTheResult() throws Exception {
        String groupKey = RawMqttDevice.newKey();
        server.store().putGroup(EnrollmentGroup.symmetricKey("fault-group", groupKey, RawMqttDevice.newKey()), null);
        RawMqttDevice device = new RawMqttDevice(server.idScope(), "fault-group-device",
                DerivedKeys.deviceKey(groupKey, "fault-group-device"));
        addRule("{\"enrollmentGroupId\":\"fault-gr*\",\"kinds\":[\"poll\"],\"status\":503,\"maxHits\":1}");

        try (RawMqttClient client = connected(device)) {
            client.send(register("r", 0, 0, ""));
            RawMqttReply accepted = client.next(MqttMessageType.PUBLISH);
            assertThat(accepted.status()).isEqualTo(202);
            String operationId = accepted.json().path("operationId").asText();

            client.send(poll("p1", operationId, 0, 0));
            RawMqttReply unavailable = client.next(MqttMessageType.PUBLISH);
            assertThat(unavailable.status()).isEqualTo(503);
            assertThat(retryAfter(unavailable)).isEqualTo(3);

            JsonNode done = null;
            for (int i = 0; i < MAX_ATTEMPTS && done == null; i++) {
                client.send(poll("p" + (i + 2), operationId, 0, 0));
                RawMqttReply reply = client.next(MqttMessageType.PUBLISH);
                assertThat(reply.status()).isIn(200, 202);
                done = reply.status() == 200 ? reply.json() : null;
                Thread.sleep(100);
            }
            assertThat(done.path("status").asText()).isEqualTo("assigned");
        }
    }

    @Test
    void ruleAddedThroughTheServiceApi_whenDeviceRegisters_thenItFiresAndTheApiListsTheHit() throws Exception {
        RawMqttDevice device = enroll("fault-api-device");
        String sas = SasTokens.create(server.config().service().hostName(), ADMIN_KEY, Instant.now().plusSeconds(600),
                ADMIN);
        try (RawHttpsClient api = RawHttpsClient.connect(server.httpsPort(), server.caCertificate())) {
            RawHttpsClient.Response added = api.exchange(request("POST", "/dpsemu/faults")
                    .header("Host", api.host())
                    .header("Authorization", sas)
                    .header("Content-Type", "application/json")
                    .body("{\"registrationId\":\"fault-api-device\",\"status\":429,\"retryAfterSeconds\":2}"));
            assertThat(added.status()).as("%s", added).isEqualTo(201);

            try (RawMqttClient client = connected(device)) {
                client.send(register("1", 0, 0, ""));
                RawMqttReply reply = client.next(MqttMessageType.PUBLISH);
                assertThat(reply.status()).isEqualTo(429);
                assertThat(retryAfter(reply)).isEqualTo(2);
            }

            RawHttpsClient.Response listed = api.exchange(request("GET", "/dpsemu/faults")
                    .header("Host", api.host())
                    .header("Authorization", sas));
            assertThat(listed.status()).isEqualTo(200);
            assertThat(listed.json().get(0).path("hits").asInt()).isEqualTo(1);
        }
    }
}
