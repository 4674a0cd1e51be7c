package io.dpsemu.server.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dpsemu.protocol.RequestKind;
import io.dpsemu.protocol.Transport;
import io.dpsemu.protocol.auth.SasTokens;
import io.dpsemu.server.DpsServer;
import io.dpsemu.server.config.ConfigLoader;
import io.dpsemu.server.config.ServicePolicyConfig;
import io.dpsemu.server.device.DeviceRequest;
import io.dpsemu.server.faults.FaultAction;
import io.dpsemu.server.rawhttp.RawHttpsClient;
import io.dpsemu.server.rawhttp.RawHttpsClient.Response;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /dpsemu/faults} and service-call throttling over real HTTPS against a started server, whose
 * quota of two operations per minute only the throttling test spends (the extension is not counted).
 */
class FaultApiOverHttpsTest {

    private static final String HOST = "localhost";
    private static final String ADMIN = "admin";
    private static final String ADMIN_KEY = ServiceApiFixture.newKey();
    private static final String READER = "reader";
    private static final String READER_KEY = ServiceApiFixture.newKey();

    @TempDir
    static Path dataDir;

    private static DpsServer server;

    @BeforeAll
    static void startServer() {
        server = DpsServer.start(ConfigLoader.load(null, Map.of(), Map.of(
                "dataDir", dataDir.toString(), "store", "memory", "bind", "127.0.0.1", "mqttPort", 0, "httpsPort", 0,
                "throttling.operationsPerMinute", 2,
                "service.policies", List.of(
                        new ServicePolicyConfig(ADMIN, List.of("EnrollmentRead", "EnrollmentWrite"), ADMIN_KEY, null),
                        new ServicePolicyConfig(READER, List.of("EnrollmentRead"), READER_KEY, null)))));
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @AfterEach
    void clearRules() {
        server.faultRules().clear();
    }

    private static String token(String policy, String key) {
        return SasTokens.create(HOST, key, Instant.now().plusSeconds(600), policy);
    }

    private static Response send(String method, String target, String authorization, String body) throws IOException {
        try (RawHttpsClient client = RawHttpsClient.connect(server.httpsPort(), server.caCertificate())) {
            RawHttpsClient.Request request = RawHttpsClient.request(method, target).header("Host", client.host());
            if (authorization != null) {
                request.header("Authorization", authorization);
            }
            if (body != null) {
                request.header("Content-Type", "application/json").body(body);
            }
            return client.exchange(request);
        }
    }

    private static Response asAdmin(String method, String target, String body) throws IOException {
        return send(method, target, token(ADMIN, ADMIN_KEY), body);
    }

    @Test
    void post_storesTheRuleWithAnId_andTheServerAppliesIt() throws IOException {
        Response added = asAdmin("POST", "/dpsemu/faults?api-version=2021-10-01",
                "{\"registrationId\": \"dev-*\", \"kinds\": [\"register\"], \"status\": 429, \"maxHits\": 2}");

        assertThat(added.status()).as("%s", added).isEqualTo(201);
        JsonNode rule = added.json();
        assertThat(rule.path("id").asText()).matches("f\\d+");
        assertThat(rule.path("hits").asInt()).isZero();
        assertThat(rule.path("errorCode").asInt()).isEqualTo(429001);
        assertThat(rule.path("retryAfterSeconds").asInt()).isEqualTo(3);
        assertThat(server.faultRules().onRequest(new DeviceRequest("dev-7", Transport.MQTT, RequestKind.REGISTER, null,
                true))).containsInstanceOf(FaultAction.Respond.class);
    }

    @Test
    void get_listsRulesInOrderWithHits() throws IOException {
        String first = asAdmin("POST", "/dpsemu/faults", "{\"drop\": true, \"transports\": [\"https\"]}").json()
                .path("id").asText();
        String second = asAdmin("POST", "/dpsemu/faults", "{\"delayMillis\": 1500, \"expiresAfterSeconds\": 600}")
                .json().path("id").asText();
        server.faultRules().onRequest(new DeviceRequest("d", Transport.HTTPS, RequestKind.POLL, "g", false));

        Response listed = send("GET", "/dpsemu/faults", token(READER, READER_KEY), null);

        assertThat(listed.status()).as("%s", listed).isEqualTo(200);
        JsonNode rules = listed.json();
        assertThat(rules).hasSize(2);
        assertThat(rules.get(0).path("id").asText()).isEqualTo(first);
        assertThat(rules.get(0).path("hits").asInt()).isEqualTo(1);
        assertThat(rules.get(1).path("id").asText()).isEqualTo(second);
        assertThat(rules.get(1).path("expiresInSeconds").asLong()).isBetween(590L, 600L);
    }

    @Test
    void delete_removesOneRule_orAll_andAnUnknownIdIs404() throws IOException {
        String first = asAdmin("POST", "/dpsemu/faults", "{\"drop\": true}").json().path("id").asText();
        asAdmin("POST", "/dpsemu/faults", "{\"drop\": true}");
        asAdmin("POST", "/dpsemu/faults", "{\"drop\": true}");

        assertThat(asAdmin("DELETE", "/dpsemu/faults/" + first, null).status()).isEqualTo(204);
        Response again = asAdmin("DELETE", "/dpsemu/faults/" + first, null);
        assertThat(again.status()).isEqualTo(404);
        assertThat(again.json().path("errorCode").asInt()).isEqualTo(404202);
        assertThat(server.faultRules().list()).hasSize(2);

        assertThat(asAdmin("DELETE", "/dpsemu/faults", null).status()).isEqualTo(204);
        assertThat(server.faultRules().list()).isEmpty();
    }

    @Test
    void badRule_is400_namingTheField() throws IOException {
        Response invalid = asAdmin("POST", "/dpsemu/faults", "{\"status\": 429, \"everyNth\": 0}");
        Response unknown = asAdmin("POST", "/dpsemu/faults", "{\"status\": 429, \"probabilty\": 0.5}");
        Response notJson = asAdmin("POST", "/dpsemu/faults", "status=429");

        assertThat(invalid.status()).isEqualTo(400);
        assertThat(invalid.json().path("errorCode").asInt()).isEqualTo(400004);
        assertThat(invalid.json().path("message").asText()).contains("everyNth: must be at least 1");
        assertThat(unknown.json().path("message").asText()).contains("probabilty: unknown field");
        assertThat(notJson.status()).isEqualTo(400);
        assertThat(notJson.json().path("errorCode").asInt()).isEqualTo(400001);
        assertThat(server.faultRules().list()).isEmpty();
    }

    @Test
    void withoutSas_401_withReadOnlySas_changesAre403() throws IOException {
        Response anonymous = send("GET", "/dpsemu/faults", null, null);
        Response readerAdds = send("POST", "/dpsemu/faults", token(READER, READER_KEY), "{\"drop\": true}");
        Response readerClears = send("DELETE", "/dpsemu/faults", token(READER, READER_KEY), null);

        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(anonymous.json().path("errorCode").asInt()).isEqualTo(401002);
        assertThat(readerAdds.status()).isEqualTo(403);
        assertThat(readerClears.status()).isEqualTo(403);
        assertThat(server.faultRules().list()).isEmpty();
    }

    @Test
    void wrongMethod_is405_withAllow() throws IOException {
        Response put = asAdmin("PUT", "/dpsemu/faults", "{}");
        Response getOne = asAdmin("GET", "/dpsemu/faults/f1", null);

        assertThat(put.status()).isEqualTo(405);
        assertThat(put.header("Allow")).isEqualTo("GET, POST, DELETE");
        assertThat(getOne.status()).isEqualTo(405);
        assertThat(getOne.header("Allow")).isEqualTo("DELETE");
    }

    @Test
    void serviceCallsOverOperationsPerMinute_are429_withRetryAfter_butTheExtensionIsNotThrottled() throws IOException {
        for (int i = 0; i < 2; i++) {
            assertThat(asAdmin("GET", "/enrollments/nobody-" + i, null).status()).isEqualTo(404);
        }

        Response throttled = asAdmin("GET", "/enrollments/nobody", null);

        assertThat(throttled.status()).as("%s", throttled).isEqualTo(429);
        assertThat(throttled.json().path("errorCode").asInt()).isEqualTo(429001);
        assertThat(throttled.json().path("message").asText()).contains("throttling.operationsPerMinute");
        assertThat(Integer.parseInt(throttled.header("Retry-After"))).isBetween(1, 60);
        assertThat(asAdmin("GET", "/dpsemu/faults", null).status()).isEqualTo(200);
    }
}
