package io.dpsemu.server.it;

import static io.dpsemu.server.rawmqtt.RawMqttPackets.register;
import static io.dpsemu.server.rawmqtt.RawMqttPackets.subscribeResponses;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dpsemu.protocol.auth.SasTokens;
import io.dpsemu.protocol.enrollment.IndividualEnrollment;
import io.dpsemu.protocol.json.DpsJson;
import io.dpsemu.server.DpsServer;
import io.dpsemu.server.config.ConfigLoader;
import io.dpsemu.server.rawmqtt.RawMqttClient;
import io.dpsemu.server.rawmqtt.RawMqttDevice;
import io.dpsemu.server.rawmqtt.RawMqttReply;
import io.dpsemu.store.postgres.PostgresTestDatabase;
import io.netty.handler.codec.mqtt.MqttMessageType;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two dpsemu nodes on one PostgreSQL, as behind a load balancer: any node answers any device. The
 * nodes share the id scope, the TLS certificate and the owner policy key by configuration.
 */
@Timeout(120)
class ClusterIT {

    private static final String SCOPE = "0ne00C1A57";
    private static final String OWNER_KEY = RawMqttDevice.newKey();
    private static final String API = "?api-version=2021-10-01";

    @TempDir
    static Path dir;

    private static String schema;
    private static DpsServer nodeA;
    private static DpsServer nodeB;
    private static HttpClient https;

    @BeforeAll
    static void startNodes() throws Exception {
        PostgresTestDatabase.assumeAvailable();
        schema = PostgresTestDatabase.createSchema();
        nodeA = node("a", null);
        Path tls = dir.resolve("a").resolve("tls");
        nodeB = node("b", tls);
        https = HttpClient.newBuilder().sslContext(TestTls.trusting(nodeA.caCertificate())).build();
    }

    @AfterAll
    static void stopNodes() {
        for (DpsServer node : new DpsServer[] {nodeA, nodeB}) {
            if (node != null) {
                node.close();
            }
        }
        if (schema != null) {
            PostgresTestDatabase.dropSchema(schema);
        }
    }

    @Test
    void deviceRegisteredOverMqttOnNodeA_whenItPollsOverHttpsOnNodeB_thenNodeBAnswersAssigned() throws Exception {
        RawMqttDevice device = enroll("cluster-mqtt-to-https");
        String operationId = registerOverMqtt(nodeA, device);

        JsonNode done = pollOverHttps(nodeB, device, operationId);

        assertThat(done.path("status").asText()).isEqualTo("assigned");
        assertThat(done.path("registrationState").path("deviceId").asText()).isEqualTo(device.registrationId());
    }

    @Test
    void enrollmentCreatedThroughNodeB_whenADeviceRegistersOnNodeA_thenItIsUsedAtOnce() throws Exception {
        String key = RawMqttDevice.newKey();
        HttpResponse<String> created = send(nodeB, "PUT", "/enrollments/cluster-new" + API,
                "{\"registrationId\":\"cluster-new\",\"attestation\":{\"type\":\"symmetricKey\",\"symmetricKey\":"
                        + "{\"primaryKey\":\"" + key + "\"}}}", serviceToken());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(200);

        // accepted at the first register: node A did not wait for a cache to expire (no wall clock: a
        // loaded machine may take any time to connect, but a stale node would refuse the device)
        String operationId = registerOverMqtt(nodeA, new RawMqttDevice(SCOPE, "cluster-new", key));

        assertThat(pollOverHttps(nodeA, new RawMqttDevice(SCOPE, "cluster-new", key), operationId)
                .path("status").asText()).isEqualTo("assigned");
    }

    @Test
    void sameDeviceRegisteringOnBothNodesAtOnce_thenOneConsistentRecord() throws Exception {
        RawMqttDevice device = enroll("cluster-race");
        for (int round = 0; round < 5; round++) {
            CompletableFuture<JsonNode> onA = CompletableFuture.supplyAsync(() -> registerOverHttps(nodeA, device));
            CompletableFuture<JsonNode> onB = CompletableFuture.supplyAsync(() -> registerOverHttps(nodeB, device));
            JsonNode a = onA.get();
            JsonNode b = onB.get();

            assertThat(a.path("status").asText()).isEqualTo("assigned");
            assertThat(b.path("status").asText()).isEqualTo("assigned");
            var record = nodeA.store().findRegistration(device.registrationId()).orElseThrow();
            assertThat(nodeB.store().findRegistration(device.registrationId())).contains(record);
            assertThat(List.of(a, b)).extracting(r -> r.path("registrationState").path("etag").asText())
                    .contains(record.etag());
        }
    }

    private static DpsServer node(String name, Path sharedTls) {
        Map<String, Object> overrides = new HashMap<>();
        overrides.put("dataDir", dir.resolve(name).toString());
        overrides.put("idScope", SCOPE);
        overrides.put("bind", "127.0.0.1");
        overrides.put("mqttPort", 0);
        overrides.put("httpsPort", 0);
        overrides.put("store", "postgres");
        overrides.put("postgres", Map.of("url", PostgresTestDatabase.url(schema), "user", PostgresTestDatabase.user(),
                "password", PostgresTestDatabase.password(), "poolSize", 4));
        overrides.put("service.hostName", "localhost");
        overrides.put("service.policies", List.of(Map.of("name", "provisioningserviceowner",
                "rights", List.of("ServiceConfig", "EnrollmentRead", "EnrollmentWrite",
                        "RegistrationStatusRead", "RegistrationStatusWrite"),
                "primaryKey", OWNER_KEY)));
        overrides.put("provisioning.retryAfterSeconds", 1);
        if (sharedTls != null) {
            overrides.put("tls.certFile", sharedTls.resolve("server.pem").toString());
            overrides.put("tls.keyFile", sharedTls.resolve("server-key.pem").toString());
        }
        return DpsServer.start(ConfigLoader.load(null, Map.of(), overrides));
    }

    private static RawMqttDevice enroll(String registrationId) {
        String key = RawMqttDevice.newKey();
        nodeA.store().putEnrollment(IndividualEnrollment.symmetricKey(registrationId, key, null), null);
        return new RawMqttDevice(SCOPE, registrationId, key);
    }

    private static String registerOverMqtt(DpsServer node, RawMqttDevice device) throws Exception {
        try (RawMqttClient client = RawMqttClient.connect(node.mqttPort(), nodeA.caCertificate())) {
            client.send(device.connect().bytes());
            assertThat(client.next(MqttMessageType.CONNACK).returnCode()).isZero();
            client.send(subscribeResponses(1, 1));
            client.next(MqttMessageType.SUBACK);
            client.send(register("1", 0, 0, ""));
            RawMqttReply accepted = client.next(MqttMessageType.PUBLISH);
            assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
            return accepted.json().path("operationId").asText();
        }
    }

    private static JsonNode registerOverHttps(DpsServer node, RawMqttDevice device) {
        try {
            HttpResponse<String> accepted = send(node, "PUT", "/" + SCOPE + "/registrations/"
                    + device.registrationId() + "/register?api-version=2019-03-31",
                    "{\"registrationId\":\"" + device.registrationId() + "\"}", device.sasToken());
            assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
            return pollOverHttps(node, device, DpsJson.mapper().readTree(accepted.body()).path("operationId").asText());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode pollOverHttps(DpsServer node, RawMqttDevice device, String operationId) throws Exception {
        for (int attempt = 0; attempt < 100; attempt++) {
            HttpResponse<String> response = send(node, "GET", "/" + SCOPE + "/registrations/"
                    + device.registrationId() + "/operations/" + operationId + "?api-version=2019-03-31", null,
                    device.sasToken());
            if (response.statusCode() == 200) {
                return DpsJson.mapper().readTree(response.body());
            }
            assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
            Thread.sleep(50);
        }
        throw new AssertionError("operation " + operationId + " never finished");
    }

    private static HttpResponse<String> send(DpsServer node, String method, String path, String body,
            String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("https://localhost:" + node.httpsPort() + path))
                .header("Authorization", authorization)
                .header("Content-Type", "application/json; charset=utf-8")
                .timeout(Duration.ofSeconds(10))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        return https.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String serviceToken() {
        return SasTokens.create("localhost", OWNER_KEY, Instant.now().plusSeconds(3600), "provisioningserviceowner");
    }
}
