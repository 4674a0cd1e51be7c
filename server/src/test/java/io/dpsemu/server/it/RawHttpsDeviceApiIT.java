package io.dpsemu.server.it;

import static io.dpsemu.server.rawhttp.RawHttpsClient.request;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dpsemu.protocol.enrollment.IndividualEnrollment;
import io.dpsemu.server.DpsServer;
import io.dpsemu.server.rawhttp.RawHttpsClient;
import io.dpsemu.server.rawhttp.RawHttpsClient.Request;
import io.dpsemu.server.rawhttp.RawHttpsClient.Response;
import io.dpsemu.server.rawmqtt.RawMqttDevice;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The HTTPS device API of port 443 driven with curl-like raw HTTP/1.1 over real TLS, against a real
 * dpsemu on an ephemeral port (docs/protocol-notes.md#https-device-api): requests spelled the way
 * each SDK spells them, and every refusal with its status, DPS error body and connection handling.
 *
 * <p>The server uses the SQLite store so that a test can hold the database's write lock from a
 * second connection: the assignment then waits inside its registration write, exactly as behind a
 * slow disk, and a poll sees the operation still {@code assigning} (202) before it sees 200.
 */
@Timeout(60)
class RawHttpsDeviceApiIT {

    private static final String HUB = "dpsemu-hub.local";
    private static final String API_VERSION = "2019-03-31";
    private static final int REQUEST_DEADLINE_SECONDS = 2;
    private static final int MAX_BODY_BYTES = 96 * 1024;
    private static final int MAX_HEADER_BYTES = 8 * 1024;
    private static final int MAX_POLLS = 50;

    @EphemeralServer(store = "sqlite", settings = "limits.httpRequestTimeoutSeconds=" + REQUEST_DEADLINE_SECONDS)
    static DpsServer server;

    // --- register ---------------------------------------------------------------------------

    @ParameterizedTest(name = "header name ''{0}''")
    @ValueSource(strings = {"authorization", "Authorization"})
    void register_whenValidSasInEitherHeaderSpelling_then202WithRetryAfterLocationAndAssigningBody(String headerName)
            throws IOException {
        RawMqttDevice device = enroll("https-register-" + (headerName.equals("authorization") ? "lower" : "upper"));
        try (RawHttpsClient client = open()) {
            Response response = client.exchange(request("PUT", registerPath(device))
                    .header("Host", client.host())
                    .header("Accept", "application/json")
                    .header("Content-Type", "application/json; charset=utf-8")
                    .header(headerName, device.sasToken())
                    .body("{\"registrationId\":\"" + device.registrationId() + "\"}"));

            assertThat(response.status()).as("%s", response).isEqualTo(202);
            assertThat(response.header("Retry-After")).isEqualTo("3");
            assertThat(response.header("Location")).isEqualTo("https://" + client.host() + "/" + server.idScope()
                    + "/registrations/" + device.registrationId() + "/register");
            assertThat(response.header("Content-Type")).isEqualTo("application/json; charset=utf-8");
            assertThat(response.header("x-ms-request-id")).isNotBlank();
            JsonNode body = response.json();
            assertThat(body.path("operationId").asText()).matches("[A-Za-z0-9.-]+");
            assertThat(body.path("status").asText()).isEqualTo("assigning");
        }
    }

    // --- poll -------------------------------------------------------------------------------

    @Test
    void poll_whenNodeSendsBodyBracesWhileAssigning_then202ThenAssigned200() throws Exception {
        RawMqttDevice device = enroll("https-poll-node");
        try (RawHttpsClient client = open()) {
            pollWhileAssignmentIsHeld(client, device, operationId -> request("GET", operationPath(device, operationId))
                    .header("Host", client.host())
                    .header("Accept", "application/json")
                    .header("Content-Type", "application/json; charset=utf-8")
                    .header("User-Agent", "azure-iot-provisioning-device/1.9.2")
                    .header("Request-Id", "1")
                    .header("Authorization", device.sasToken())
                    .body("{}"));
        }
    }

    @Test
    void poll_whenCSendsUserAgentHeaderAndPercentEncodedPathWhileAssigning_then202ThenAssigned200() throws Exception {
        RawMqttDevice device = enroll("https-poll-c");
        try (RawHttpsClient client = open()) {
            pollWhileAssignmentIsHeld(client, device, operationId -> request("GET", "/" + server.idScope()
                    + "/registrations/https%2Dpoll%2Dc/operations/" + operationId.replace(".", "%2E")
                    + "?api-version=2021-06-01")
                    .header("Host", client.host())
                    .header("UserAgent", "prov_device_client/1.0")
                    .header("Connection", "keep-alive")
                    .header("Accept", "application/json")
                    .header("Content-Type", "application/json; charset=utf-8")
                    .header("Authorization", device.sasToken())
                    .header("Content-Length", "0"));
        }
    }

    @Test
    void poll_whenOperationIdUnknown_then404WithErrorBody() throws IOException {
        RawMqttDevice device = enroll("https-unknown-op");
        try (RawHttpsClient client = open()) {
            Response response = client.exchange(request("GET", operationPath(device, "4.0000000000000000.nope"))
                    .header("Host", client.host())
                    .header("Authorization", device.sasToken()));

            assertThat(response.status()).isEqualTo(404);
            assertDpsError(response, 404);
            assertThat(response.json().path("message").asText()).contains("4.0000000000000000.nope");
        }
    }

    // --- status lookup ----------------------------------------------------------------------

    @Test
    void statusLookup_whenRegistered_then200WithBareRegistrationResult() throws IOException {
        RawMqttDevice device = enroll("https-lookup");
        try (RawHttpsClient client = open()) {
            String operationId = registerAccepted(client, device);
            pollUntilAssigned(client, device, operationId);

            Response response = client.exchange(request("POST", "/" + server.idScope() + "/registrations/"
                    + device.registrationId() + "?api-version=" + API_VERSION)
                    .header("Host", client.host())
                    .header("Content-Type", "application/json; charset=utf-8")
                    .header("Authorization", device.sasToken())
                    .body("{\"registrationId\":\"" + device.registrationId() + "\"}"));

            assertThat(response.status()).as("%s", response).isEqualTo(200);
            assertThat(response.header("Content-Type")).isEqualTo("application/json; charset=utf-8");
            JsonNode result = response.json();
            assertThat(result.has("operationId")).as("a bare DeviceRegistrationResult").isFalse();
            assertThat(result.path("registrationId").asText()).isEqualTo(device.registrationId());
            assertThat(result.path("status").asText()).isEqualTo("assigned");
            assertThat(result.path("assignedHub").asText()).isEqualTo(HUB);
            assertThat(result.path("deviceId").asText()).isEqualTo(device.registrationId());
            assertThat(result.path("etag").asText()).isNotEmpty();
        }
    }

    // --- refusals ---------------------------------------------------------------------------

    @Test
    void register_whenSasSignedWithAnotherKey_then401WithErrorCodeHeaderAndReason() throws IOException {
        RawMqttDevice device = enroll("https-bad-sas");
        String forged = device.sasToken(RawMqttDevice.newKey(), Instant.now().plus(Duration.ofHours(1)));
        try (RawHttpsClient client = open()) {
            Response response = client.exchange(registerRequest(client, device, forged));

            assertThat(response.status()).isEqualTo(401);
            assertDpsError(response, 401);
            assertThat(response.json().path("message").asText()).contains("signature");
            assertThat(server.store().findRegistration(device.registrationId())).isEmpty();
        }
    }

    @Test
    void register_whenNoAuthorizationHeader_then401() throws IOException {
        RawMqttDevice device = enroll("https-no-auth");
        try (RawHttpsClient client = open()) {
            Response response = client.exchange(request("PUT", registerPath(device))
                    .header("Host", client.host())
                    .header("Content-Type", "application/json")
                    .body("{\"registrationId\":\"" + device.registrationId() + "\"}"));

            assertThat(response.status()).isEqualTo(401);
            assertDpsError(response, 401);
            assertThat(response.json().path("message").asText()).contains("credentials");
        }
    }

    @Test
    void register_whenMethodIsGet_then405WithAllowPut() throws IOException {
        RawMqttDevice device = enroll("https-wrong-method");
        try (RawHttpsClient client = open()) {
            Response response = client.exchange(request("GET", registerPath(device))
                    .header("Host", client.host())
                    .header("Authorization", device.sasToken()));

            assertThat(response.status()).isEqualTo(405);
            assertThat(response.header("Allow")).isEqualTo("PUT");
            assertDpsError(response, 405);
        }
    }

    @Test
    void register_whenApiVersionMissing_then400() throws IOException {
        RawMqttDevice device = enroll("https-no-api-version");
        try (RawHttpsClient client = open()) {
            Response response = client.exchange(request("PUT", "/" + server.idScope() + "/registrations/"
                    + device.registrationId() + "/register")
                    .header("Host", client.host())
                    .header("Content-Type", "application/json")
                    .header("Authorization", device.sasToken())
                    .body("{}"));

            assertThat(response.status()).isEqualTo(400);
            assertDpsError(response, 400);
            assertThat(response.json().path("message").asText()).contains("api-version");
        }
    }

    @Test
    void register_whenBodyIsNotJson_then415() throws IOException {
        RawMqttDevice device = enroll("https-text-body");
        try (RawHttpsClient client = open()) {
            Response response = client.exchange(request("PUT", registerPath(device))
                    .header("Host", client.host())
                    .header("Content-Type", "text/plain")
                    .header("Authorization", device.sasToken())
                    .body("registrationId=https-text-body"));

            assertThat(response.status()).isEqualTo(415);
            assertDpsError(response, 415);
            assertThat(server.store().findRegistration(device.registrationId())).isEmpty();
        }
    }

    @Test
    void register_whenTpmAttestationBody_then400NamingTpm() throws IOException {
        RawMqttDevice device = enroll("https-tpm");
        try (RawHttpsClient client = open()) {
            Response response = client.exchange(request("PUT", registerPath(device))
                    .header("Host", client.host())
                    .header("Content-Type", "application/json; charset=utf-8")
                    .body("{\"registrationId\":\"https-tpm\",\"tpm\":{\"endorsementKey\":\"AToAAQALAAMAsgAg\","
                            + "\"storageRootKey\":\"ARgAAQALAAMAcgAA\"}}"));

            assertThat(response.status()).isEqualTo(400);
            assertDpsError(response, 400);
            assertThat(response.json().path("message").asText()).contains("TPM");
        }
    }

    @Test
    void register_whenContentLengthOver96KB_then413WithErrorBodyAndClose() throws IOException {
        RawMqttDevice device = enroll("https-too-big");
        try (RawHttpsClient client = open()) {
            // the head and the start of the body: the declared length alone must be refused
            client.send(request("PUT", registerPath(device))
                    .header("Host", client.host())
                    .header("Content-Type", "application/json")
                    .header("Authorization", device.sasToken())
                    .header("Content-Length", Integer.toString(MAX_BODY_BYTES + 1))
                    .bytes());
            client.send("{\"registrationId\":\"https-too-big\",\"payload\":\"");

            Response response = client.readResponse();
            assertThat(response.status()).isEqualTo(413);
            assertDpsError(response, 413);
            assertThat(response.header("Connection")).isEqualToIgnoringCase("close");
            assertThat(client.awaitClosedByServer()).isTrue();
        }
    }

    @Test
    void register_whenChunkedBodyGrowsOver96KB_then413WithErrorBodyAndClose() throws IOException {
        RawMqttDevice device = enroll("https-too-big-chunked");
        byte[] chunk = new byte[MAX_BODY_BYTES + 1];
        Arrays.fill(chunk, (byte) ' ');
        try (RawHttpsClient client = open()) {
            client.send(request("PUT", registerPath(device))
                    .header("Host", client.host())
                    .header("Content-Type", "application/json")
                    .header("Authorization", device.sasToken())
                    .header("Transfer-Encoding", "chunked")
                    .bytes());
            client.send((Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            client.send(chunk);

            Response response = client.readResponse();
            assertThat(response.status()).isEqualTo(413);
            assertDpsError(response, 413);
            assertThat(client.awaitClosedByServer()).isTrue();
        }
    }

    @Test
    void request_whenHeaderBlockOverTheLimit_then431AndClose() throws IOException {
        RawMqttDevice device = enroll("https-huge-header");
        try (RawHttpsClient client = open()) {
            client.send(request("PUT", registerPath(device))
                    .header("Host", client.host())
                    .header("Authorization", device.sasToken())
                    .header("X-Padding", "a".repeat(MAX_HEADER_BYTES + 1))
                    .body("{}"));

            Response response = client.readResponse();
            assertThat(response.status()).isEqualTo(431);
            assertDpsError(response, 431);
            assertThat(client.awaitClosedByServer()).isTrue();
            assertThat(server.store().findRegistration(device.registrationId())).isEmpty();
        }
    }

    @Test
    void request_whenHeadTrickledPastTheRequestDeadline_thenClosedWithoutAnswer() throws IOException {
        RawMqttDevice device = enroll("https-slow-head");
        byte[] head = request("PUT", registerPath(device))
                .header("Host", "localhost")
                .header("Authorization", device.sasToken())
                .bytes();
        try (RawHttpsClient client = open()) {
            long started = System.nanoTime();
            boolean closed = false;
            for (int i = 0; i < head.length - 2 && !closed; i++) {
                try {
                    client.send(new byte[] {head[i]});
                } catch (IOException e) {
                    closed = true; // the server is gone
                    break;
                }
                closed = client.awaitClosedByServer(Duration.ofMillis(200));
            }
            Duration elapsed = Duration.ofNanos(System.nanoTime() - started);

            assertThat(closed).as("closed before the head was complete").isTrue();
            // the upper bound only tells the deadline from the idle timer (120 s): a loaded machine is late
            assertThat(elapsed).as("closed at the request deadline, not by the idle timer")
                    .isGreaterThanOrEqualTo(Duration.ofSeconds(REQUEST_DEADLINE_SECONDS).minusMillis(300))
                    .isLessThan(Duration.ofSeconds(60));
            assertThat(client.pending()).as("bytes sent before the close").isZero();
        }
    }

    @Test
    void request_whenSentInPiecesWithinTheDeadline_thenAnswered() throws Exception {
        RawMqttDevice device = enroll("https-pieces");
        byte[] whole = registerRequest(null, device, device.sasToken()).bytes();
        try (RawHttpsClient client = open()) {
            int third = whole.length / 3;
            // pauses far inside the deadline, so a slow machine still sends the request in time
            client.send(Arrays.copyOfRange(whole, 0, third));
            Thread.sleep(100);
            client.send(Arrays.copyOfRange(whole, third, 2 * third));
            Thread.sleep(100);
            client.send(Arrays.copyOfRange(whole, 2 * third, whole.length));

            assertThat(client.readResponse().status()).isEqualTo(202);
        }
    }

    @Test
    void keepAlive_whenTwoRequestsOnOneConnection_thenBothAnsweredAndConnectionStaysOpen() throws IOException {
        RawMqttDevice device = enroll("https-keep-alive");
        try (RawHttpsClient client = open()) {
            Response registered = client.exchange(registerRequest(client, device, device.sasToken()));
            assertThat(registered.status()).isEqualTo(202);
            assertThat(registered.header("Connection")).isEqualToIgnoringCase("keep-alive");
            String operationId = registered.json().path("operationId").asText();

            Response polled = client.exchange(request("GET", operationPath(device, operationId))
                    .header("Host", client.host())
                    .header("Authorization", device.sasToken()));

            assertThat(polled.status()).isIn(200, 202);
            assertThat(polled.json().path("operationId").asText()).isEqualTo(operationId);
            assertThat(polled.header("Connection")).isEqualToIgnoringCase("keep-alive");
            assertThat(client.awaitClosedByServer(Duration.ofMillis(300))).as("closed after two requests").isFalse();
        }
    }

    @Test
    void keepAlive_whenIdleLongerThanTheRequestDeadlineBetweenRequests_thenNextRequestAnswered() throws Exception {
        RawMqttDevice device = enroll("https-keep-alive-idle");
        try (RawHttpsClient client = open()) {
            assertThat(client.exchange(registerRequest(client, device, device.sasToken())).status()).isEqualTo(202);

            assertThat(client.awaitClosedByServer(Duration.ofSeconds(REQUEST_DEADLINE_SECONDS + 1)))
                    .as("an idle keep-alive connection is not held to the request deadline").isFalse();
            Response second = client.exchange(registerRequest(client, device, device.sasToken()));
            assertThat(second.status()).isEqualTo(202);
        }
    }

    @Test
    void pipelining_whenTwoRequestsInOneWrite_thenAnsweredInOrder() throws IOException {
        RawMqttDevice device = enroll("https-pipelined");
        try (RawHttpsClient client = open()) {
            Request slow = registerRequest(client, device, device.sasToken());
            Request fast = request("GET", "/nothing/here").header("Host", client.host());
            byte[] both = new byte[slow.bytes().length + fast.bytes().length];
            System.arraycopy(slow.bytes(), 0, both, 0, slow.bytes().length);
            System.arraycopy(fast.bytes(), 0, both, slow.bytes().length, fast.bytes().length);
            client.send(both);

            assertThat(client.readResponse().status()).as("answer to the first request").isEqualTo(202);
            assertThat(client.readResponse().status()).as("answer to the second request").isEqualTo(404);
        }
    }

    @Test
    void request_whenPathIsUnknown_then404JsonAndConnectionKept() throws IOException {
        try (RawHttpsClient client = open()) {
            Response response = client.exchange(request("GET", "/nothing/here?api-version=" + API_VERSION)
                    .header("Host", client.host()));

            assertThat(response.status()).isEqualTo(404);
            assertDpsError(response, 404);
            assertThat(response.json().path("message").asText()).contains("/nothing/here");
            Response again = client.exchange(request("DELETE", "/" + server.idScope() + "/devices/x")
                    .header("Host", client.host()));
            assertThat(again.status()).isEqualTo(404);
        }
    }

    // --- helpers ----------------------------------------------------------------------------

    /** The poll request a given SDK sends for an operation id. */
    @FunctionalInterface
    private interface PollRequest {
        Request forOperation(String operationId);
    }

    /**
     * Registers while the store's write lock is held elsewhere, so the assignment cannot finish: a
     * poll answers 202 with Retry-After; once the lock is released, polls reach 200 assigned.
     */
    private static void pollWhileAssignmentIsHeld(RawHttpsClient client, RawMqttDevice device, PollRequest poll)
            throws Exception {
        String operationId;
        Connection lock = holdStoreWriteLock();
        try {
            operationId = registerAccepted(client, device);

            Response assigning = client.exchange(poll.forOperation(operationId));
            assertThat(assigning.status()).as("%s", assigning).isEqualTo(202);
            assertThat(assigning.header("Retry-After")).isEqualTo("3");
            assertThat(assigning.header("Content-Type")).isEqualTo("application/json; charset=utf-8");
            JsonNode body = assigning.json();
            assertThat(body.path("operationId").asText()).isEqualTo(operationId);
            assertThat(body.path("status").asText()).isEqualTo("assigning");
            assertThat(body.path("registrationState").path("registrationId").asText())
                    .isEqualTo(device.registrationId());
            assertThat(body.path("registrationState").path("status").asText()).isEqualTo("assigning");
        } finally {
            lock.close(); // rolls the empty transaction back: the held registration write goes through
        }
        JsonNode assigned = pollUntilDone(client, () -> poll.forOperation(operationId), operationId);
        assertAssigned(assigned, device);
    }

    private static void pollUntilAssigned(RawHttpsClient client, RawMqttDevice device, String operationId)
            throws IOException {
        JsonNode assigned = pollUntilDone(client, () -> request("GET", operationPath(device, operationId))
                .header("Host", client.host())
                .header("Authorization", device.sasToken()), operationId);
        assertAssigned(assigned, device);
    }

    private static JsonNode pollUntilDone(RawHttpsClient client, java.util.function.Supplier<Request> poll,
            String operationId) throws IOException {
        for (int i = 0; i < MAX_POLLS; i++) {
            Response response = client.exchange(poll.get());
            assertThat(response.json().path("operationId").asText()).isEqualTo(operationId);
            if (response.status() == 200) {
                assertThat(response.header("Retry-After")).as("a terminal answer has no Retry-After").isNull();
                return response.json();
            }
            assertThat(response.status()).as("%s", response).isEqualTo(202);
            sleep(50);
        }
        throw new AssertionError("still assigning after " + MAX_POLLS + " polls");
    }

    private static void assertAssigned(JsonNode result, RawMqttDevice device) {
        assertThat(result.path("status").asText()).isEqualTo("assigned");
        JsonNode state = result.path("registrationState");
        assertThat(state.path("registrationId").asText()).isEqualTo(device.registrationId());
        assertThat(state.path("assignedHub").asText()).isEqualTo(HUB);
        assertThat(state.path("deviceId").asText()).isEqualTo(device.registrationId());
        assertThat(state.path("status").asText()).isEqualTo("assigned");
        assertThat(state.path("substatus").asText()).isEqualTo("initialAssignment");
        assertThat(state.path("etag").asText()).isNotEmpty();
        assertThat(state.path("createdDateTimeUtc").asText()).endsWith("Z");
        assertThat(state.path("lastUpdatedDateTimeUtc").asText()).endsWith("Z");
    }

    private static String registerAccepted(RawHttpsClient client, RawMqttDevice device) throws IOException {
        Response response = client.exchange(registerRequest(client, device, device.sasToken()));
        assertThat(response.status()).as("%s", response).isEqualTo(202);
        String operationId = response.json().path("operationId").asText();
        assertThat(operationId).isNotEmpty();
        return operationId;
    }

    private static Request registerRequest(RawHttpsClient client, RawMqttDevice device, String token) {
        return request("PUT", registerPath(device))
                .header("Host", client == null ? "localhost:" + server.httpsPort() : client.host())
                .header("Accept", "application/json")
                .header("Content-Type", "application/json; charset=utf-8")
                .header("User-Agent", "com.microsoft.azure.sdk.iot.dps.dps-device-client/2.0.0")
                .header("authorization", token)
                .body("{\"registrationId\":\"" + device.registrationId() + "\"}");
    }

    private static String registerPath(RawMqttDevice device) {
        return "/" + server.idScope() + "/registrations/" + device.registrationId() + "/register?api-version="
                + API_VERSION;
    }

    private static String operationPath(RawMqttDevice device, String operationId) {
        return "/" + server.idScope() + "/registrations/" + device.registrationId() + "/operations/" + operationId
                + "?api-version=" + API_VERSION;
    }

    /** A DPS error body whose errorCode is the status × 1000 + detail, and the same code in x-ms-error-code. */
    private static void assertDpsError(Response response, int status) {
        assertThat(response.header("Content-Type")).isEqualTo("application/json; charset=utf-8");
        JsonNode error = response.json();
        int errorCode = error.path("errorCode").asInt();
        assertThat(errorCode / 1000).as("errorCode %d of %s", errorCode, response).isEqualTo(status);
        assertThat(response.header("x-ms-error-code")).isEqualTo(Integer.toString(errorCode));
        assertThat(error.path("message").asText()).isNotBlank();
        assertThat(error.path("trackingId").asText()).isNotBlank();
        assertThat(error.path("timestampUtc").asText()).isNotBlank();
    }

    private static RawMqttDevice enroll(String registrationId) {
        String key = RawMqttDevice.newKey();
        server.store().putEnrollment(IndividualEnrollment.symmetricKey(registrationId, key, RawMqttDevice.newKey()),
                null);
        return new RawMqttDevice(server.idScope(), registrationId, key);
    }

    /**
     * A second connection to the server's SQLite file holding its write lock: the server's reads go
     * on (WAL), its writes wait (up to its busy timeout of 5 s) until this connection is closed.
     */
    private static Connection holdStoreWriteLock() throws SQLException {
        Connection connection = DriverManager.getConnection("jdbc:sqlite:"
                + server.config().dataPath().resolve("dpsemu.db"));
        try (Statement statement = connection.createStatement()) {
            statement.execute("BEGIN IMMEDIATE");
        } catch (SQLException e) {
            connection.close();
            throw e;
        }
        return connection;
    }

    private static RawHttpsClient open() throws IOException {
        return RawHttpsClient.connect(server.httpsPort(), server.caCertificate());
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
