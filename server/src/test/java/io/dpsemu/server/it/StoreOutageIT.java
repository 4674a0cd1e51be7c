package io.dpsemu.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dpsemu.protocol.auth.DerivedKeys;
import io.dpsemu.protocol.auth.SasTokens;
import io.dpsemu.protocol.enrollment.EnrollmentGroup;
import io.dpsemu.protocol.json.DpsJson;
import io.dpsemu.server.DpsServer;
import io.dpsemu.server.config.ConfigLoader;
import io.dpsemu.server.logs.LogCapture;
import io.dpsemu.server.rawmqtt.RawMqttDevice;
import io.dpsemu.store.postgres.PostgresTestDatabase;
import io.dpsemu.store.postgres.TcpProxy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The database goes away under a running node and comes back: devices are told to retry (503 with
 * Retry-After and a DPS error body), the node stays up and says so in its log and metrics, and it
 * serves devices again by itself once the database returns. The outage is a TCP proxy between the
 * node and PostgreSQL that cuts every connection, as a database restart or a network failure does.
 */
@Timeout(120)
class StoreOutageIT {

    private static final Pattern HOST_PORT = Pattern.compile("//([^/:]+):(\\d+)/");
    private static final String SCOPE = "0ne00017A6E";
    private static final String GROUP_KEY = RawMqttDevice.newKey();

    @TempDir
    static Path dir;

    private static String schema;
    private static TcpProxy proxy;
    private static DpsServer server;
    private static HttpClient https;
    private static final AtomicInteger devices = new AtomicInteger();

    @BeforeAll
    static void start() throws Exception {
        PostgresTestDatabase.assumeAvailable();
        schema = PostgresTestDatabase.createSchema();
        Matcher target = HOST_PORT.matcher(PostgresTestDatabase.url(schema));
        assertThat(target.find()).as("host and port in %s", PostgresTestDatabase.url(schema)).isTrue();
        proxy = new TcpProxy(target.group(1), Integer.parseInt(target.group(2)));
        int port = proxy.start();
        Map<String, Object> overrides = new HashMap<>();
        overrides.put("dataDir", dir.toString());
        overrides.put("idScope", SCOPE);
        overrides.put("bind", "127.0.0.1");
        overrides.put("mqttPort", 0);
        overrides.put("httpsPort", 0);
        overrides.put("operations.port", 0);
        overrides.put("store", "postgres");
        overrides.put("postgres", Map.of("url", PostgresTestDatabase.url(schema).replace(target.group(0),
                        "//127.0.0.1:" + port + "/"),
                "user", PostgresTestDatabase.user(), "password", PostgresTestDatabase.password(), "poolSize", 4));
        overrides.put("provisioning.retryAfterSeconds", 1);
        server = DpsServer.start(ConfigLoader.load(null, Map.of(), overrides));
        server.store().putGroup(EnrollmentGroup.symmetricKey("outage-group", GROUP_KEY, null), null);
        https = HttpClient.newBuilder().sslContext(TestTls.trusting(server.caCertificate())).build();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        if (proxy != null) {
            proxy.close();
        }
        if (schema != null) {
            PostgresTestDatabase.dropSchema(schema);
        }
    }

    @Test
    void databaseGoesAwayAndReturns_thenDevicesAreToldToRetryAndServedAgainWithoutARestart() throws Exception {
        try (LogCapture logs = LogCapture.start()) {
            outageAndReturn(logs);
        }
    }

    private void outageAndReturn(LogCapture logs) throws Exception {
        assertThat(registerNewDevice().statusCode()).isEqualTo(202);
        // let that registration's store work finish, so only the outage decides what comes next
        await().atMost(Duration.ofSeconds(60)).until(() -> server.store()
                .findRegistration("outage-device-" + devices.get()).isPresent());
        assertThat(storeUpGauge()).isEqualTo(1.0);

        proxy.stop();
        HttpResponse<String> refused = registerNewDevice();

        assertThat(refused.statusCode()).isIn(429, 500, 503);
        assertThat(refused.headers().firstValue("Retry-After")).isPresent();
        assertThat(DpsJson.mapper().readTree(refused.body()).path("errorCode").asInt()).isPositive();
        assertThat(storeUpGauge()).isEqualTo(0.0);
        assertThat(logs.messages()).anyMatch(line -> line.startsWith("DPS-5001"));
        assertThat(operations("/health").statusCode()).isEqualTo(503);
        assertThat(operations("/metrics").body()).contains("dps_store_up 0.0");

        proxy.start();
        // without a restart: a generous bound, since a loaded machine reconnects and handshakes slowly
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250))
                .until(() -> registerNewDevice().statusCode() == 202);

        // health is recorded when the store task ends, just after the device got its answer
        await().atMost(Duration.ofSeconds(60)).until(() -> storeUpGauge() == 1.0);
        assertThat(logs.messages()).anyMatch(line -> line.startsWith("DPS-5002"));
        assertThat(operations("/health").statusCode()).isEqualTo(200);
    }

    /** The node's plain-HTTP operations endpoint (metrics and health). */
    private static HttpResponse<String> operations(String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.operationsPort() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static double storeUpGauge() {
        return server.meterRegistry().get("dps.store.up").gauge().value();
    }

    private static HttpResponse<String> registerNewDevice() throws Exception {
        String id = "outage-device-" + devices.incrementAndGet();
        String token = SasTokens.create(SCOPE + "/registrations/" + id, DerivedKeys.deviceKey(GROUP_KEY, id),
                Instant.now().plusSeconds(3600), "registration");
        HttpRequest request = HttpRequest.newBuilder(URI.create("https://localhost:" + server.httpsPort() + "/" + SCOPE
                        + "/registrations/" + id + "/register?api-version=2019-03-31"))
                .header("Authorization", token)
                .header("Content-Type", "application/json; charset=utf-8")
                .timeout(Duration.ofSeconds(20))
                .PUT(HttpRequest.BodyPublishers.ofString("{\"registrationId\":\"" + id + "\"}"))
                .build();
        return https.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
