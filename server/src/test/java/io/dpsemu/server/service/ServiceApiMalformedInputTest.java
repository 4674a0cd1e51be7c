package io.dpsemu.server.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.dpsemu.protocol.auth.SasTokens;
import io.dpsemu.protocol.auth.ServicePolicyNames;
import io.dpsemu.server.DpsServer;
import io.dpsemu.server.config.ConfigLoader;
import io.dpsemu.server.logs.LogCapture;
import io.dpsemu.server.rawhttp.RawHttpsClient;
import io.dpsemu.server.rawhttp.RawHttpsClient.Request;
import io.dpsemu.server.rawhttp.RawHttpsClient.Response;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The malformed-input corpus of the service API and its HTTP layer (issue 11's reliability suite),
 * against a real server over real HTTPS: every row is one request a buggy or hostile client may
 * send, with the answer it must get (never a 500, never a hang, never a stack trace in the log), and
 * every row ends with a good request that is still served.
 */
class ServiceApiMalformedInputTest {

    private static final String HOST = "localhost";
    private static final String Q = "?api-version=2021-10-01";
    private static final String GOOD = "malformed-corpus-good";
    private static final String GOOD_GROUP = "malformed-corpus-group";
    private static final String SYMMETRIC = "\"attestation\":{\"type\":\"symmetricKey\"}";
    private static final int REQUEST_TIMEOUT_SECONDS = 2;

    @TempDir
    static Path dataDir;

    private static DpsServer server;
    private static String ownerKey;

    private LogCapture logs;

    @BeforeAll
    static void startServer() throws IOException {
        server = DpsServer.start(ConfigLoader.load(null, Map.of(), Map.of(
                "dataDir", dataDir.toString(), "store", "memory", "bind", "127.0.0.1", "mqttPort", 0, "httpsPort", 0,
                "limits.httpRequestTimeoutSeconds", REQUEST_TIMEOUT_SECONDS)));
        ownerKey = ServicePolicies.load(dataDir, server.config().service()).find(ServicePolicyNames.OWNER).orElseThrow()
                .primaryKey();
        assertThat(send(Row.put("/enrollments/" + GOOD, "{" + SYMMETRIC + "}").request()).status()).isEqualTo(200);
        assertThat(send(Row.put("/enrollmentGroups/" + GOOD_GROUP, "{" + SYMMETRIC + "}").request()).status())
                .isEqualTo(200);
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @BeforeEach
    void captureLogs() {
        logs = LogCapture.start();
    }

    @AfterEach
    void stopCapture() {
        logs.close();
    }

    // ---- the corpus ----

    static Stream<Row> documents() {
        String e = "/enrollments/mal-doc";
        String g = "/enrollmentGroups/mal-group";
        List<Row> rows = new ArrayList<>(List.of(
                // issue 11 case 9: null documents answered 500
                Row.put(e, "null").invalid("null"),
                Row.put(g, "null").invalid("null"),
                // not an object, or nothing
                Row.put(e, "").invalid("empty"),
                Row.put(e, "  \r\n ").invalid("empty"),
                Row.put(e, "[]").invalid("an array"),
                Row.put(e, "[{" + SYMMETRIC + "}]").invalid("an array"),
                Row.put(g, "\"symmetricKey\"").invalid("a string"),
                Row.put(e, "42").invalid("a number"),
                Row.put(e, "true").invalid("a boolean"),
                // not JSON at all: 400001, as before
                Row.put(e, "not json").status(400, 400001),
                Row.put(e, "{").status(400, 400001),
                Row.put(e, "{" + SYMMETRIC + "} {}").status(400, 400001),
                Row.put(e, "{\"deviceId\":\"a\",\"deviceId\":\"b\"," + SYMMETRIC + "}").status(400, 400001),
                Row.put(e, "[".repeat(200) + "]".repeat(200)).status(400, 400001),
                Row.put(e, new byte[] {'{', '"', (byte) 0xff, (byte) 0xfe, '"', ':', '1', '}'}).status(400, 400001),
                // the attestation: null, wrong shapes, null fields inside
                Row.put(e, "{\"attestation\":null}").invalid("attestation.type"),
                Row.put(e, "{\"attestation\":{}}").invalid("attestation.type"),
                Row.put(e, "{\"attestation\":{\"type\":null}}").invalid("attestation.type"),
                Row.put(e, "{\"attestation\":{\"type\":\"bogus\"}}").invalid("attestation"),
                Row.put(e, "{\"attestation\":{\"type\":\"none\"}}").invalid("attestation.type"),
                Row.put(e, "{\"attestation\":\"symmetricKey\"}").invalid("attestation"),
                Row.put(e, "{\"attestation\":[]}").invalid("attestation"),
                Row.put(e, "{\"attestation\":{\"type\":\"symmetricKey\",\"symmetricKey\":[]}}")
                        .invalid("attestation.symmetricKey"),
                Row.put(e, "{\"attestation\":{\"type\":\"symmetricKey\",\"symmetricKey\":{\"primaryKey\":5}}}")
                        .invalid("attestation.symmetricKey.primaryKey"),
                Row.put(e, "{\"attestation\":{\"type\":\"symmetricKey\",\"symmetricKey\":{\"primaryKey\":{}}}}")
                        .invalid("attestation.symmetricKey.primaryKey"),
                Row.put(e, "{\"attestation\":{\"type\":\"tpm\"}}").invalid("attestation.tpm.endorsementKey"),
                Row.put(e, "{\"attestation\":{\"type\":\"tpm\",\"tpm\":null}}").invalid("attestation.tpm"),
                Row.put(e, "{\"attestation\":{\"type\":\"tpm\",\"tpm\":{\"endorsementKey\":null}}}")
                        .invalid("attestation.tpm.endorsementKey"),
                Row.put(e, "{\"attestation\":{\"type\":\"x509\"}}").invalid("attestation.x509"),
                Row.put(e, "{\"attestation\":{\"type\":\"x509\",\"x509\":null}}").invalid("attestation.x509"),
                Row.put(e, "{\"attestation\":{\"type\":\"x509\",\"x509\":{}}}").invalid("clientCertificates"),
                Row.put(e, "{\"attestation\":{\"type\":\"x509\",\"x509\":{\"clientCertificates\":null}}}")
                        .invalid("clientCertificates"),
                Row.put(e, "{\"attestation\":{\"type\":\"x509\",\"x509\":{\"clientCertificates\":{}}}}")
                        .invalid("clientCertificates.primary"),
                Row.put(e, "{\"attestation\":{\"type\":\"x509\",\"x509\":{\"clientCertificates\":"
                        + "{\"primary\":null}}}}").invalid("clientCertificates.primary"),
                Row.put(e, "{\"attestation\":{\"type\":\"x509\",\"x509\":{\"clientCertificates\":"
                        + "{\"primary\":{}}}}}").invalid("clientCertificates.primary.certificate"),
                Row.put(e, "{\"attestation\":{\"type\":\"x509\",\"x509\":{\"clientCertificates\":"
                        + "{\"primary\":{\"certificate\":null}}}}}").invalid("clientCertificates.primary.certificate"),
                Row.put(e, "{\"attestation\":{\"type\":\"x509\",\"x509\":{\"clientCertificates\":"
                        + "{\"primary\":{\"certificate\":\"garbage\"}}}}}")
                        .invalid("clientCertificates.primary.certificate"),
                Row.put(e, "{\"attestation\":{\"type\":\"x509\",\"x509\":{\"clientCertificates\":"
                        + "{\"primary\":{\"certificate\":42}}}}}").invalid("clientCertificates.primary.certificate"),
                Row.put(g, "{\"attestation\":{\"type\":\"x509\",\"x509\":{\"signingCertificates\":"
                        + "{\"primary\":null}}}}").invalid("signingCertificates.primary"),
                Row.put(g, "{\"attestation\":{\"type\":\"x509\",\"x509\":{\"caReferences\":{}}}}")
                        .invalid("caReferences.primary"),
                Row.put(g, "{\"attestation\":{\"type\":\"x509\",\"x509\":{\"caReferences\":"
                        + "{\"primary\":null,\"secondary\":null}}}}").invalid("caReferences.primary"),
                Row.put(g, "{\"attestation\":{\"type\":\"x509\",\"x509\":{\"caReferences\":"
                        + "{\"primary\":[\"ca\"]}}}}").invalid("caReferences.primary"),
                // other fields: wrong shapes and null elements
                Row.put(e, "{\"iotHubs\":[null],\"allocationPolicy\":\"hashed\"," + SYMMETRIC + "}")
                        .invalid("iotHubs"),
                Row.put(e, "{\"iotHubs\":\"dpsemu-hub.local\",\"allocationPolicy\":\"hashed\"," + SYMMETRIC + "}")
                        .invalid("iotHubs"),
                Row.put(e, "{\"iotHubs\":[{}],\"allocationPolicy\":\"hashed\"," + SYMMETRIC + "}").invalid("iotHubs"),
                Row.put(e, "{\"allocationPolicy\":\"bogus\"," + SYMMETRIC + "}").invalid("allocationPolicy"),
                Row.put(e, "{\"allocationPolicy\":\"custom\",\"customAllocationDefinition\":null," + SYMMETRIC + "}")
                        .invalid("customAllocationDefinition"),
                Row.put(e, "{\"allocationPolicy\":\"custom\",\"customAllocationDefinition\":{\"webhookUrl\":null,"
                        + "\"apiVersion\":null}," + SYMMETRIC + "}").invalid("customAllocationDefinition"),
                Row.put(e, "{\"allocationPolicy\":\"custom\",\"customAllocationDefinition\":{\"webhookUrl\":"
                        + "\"ftp://x\",\"apiVersion\":\"2021-10-01\"}," + SYMMETRIC + "}").invalid("webhookUrl"),
                Row.put(e, "{\"customAllocationDefinition\":\"https://x\"," + SYMMETRIC + "}")
                        .invalid("customAllocationDefinition"),
                Row.put(e, "{\"provisioningStatus\":\"bogus\"," + SYMMETRIC + "}").invalid("provisioningStatus"),
                Row.put(e, "{\"provisioningStatus\":[]," + SYMMETRIC + "}").invalid("provisioningStatus"),
                Row.put(e, "{\"capabilities\":\"iotEdge\"," + SYMMETRIC + "}").invalid("capabilities"),
                Row.put(e, "{\"capabilities\":{\"iotEdge\":\"maybe\"}," + SYMMETRIC + "}")
                        .invalid("capabilities.iotEdge"),
                Row.put(e, "{\"reprovisionPolicy\":5," + SYMMETRIC + "}").invalid("reprovisionPolicy"),
                Row.put(e, "{\"initialTwin\":\"tags\"," + SYMMETRIC + "}").invalid("initialTwin"),
                Row.put(e, "{\"initialTwin\":[]," + SYMMETRIC + "}").invalid("initialTwin"),
                Row.put(e, "{\"initialTwin\":{\"tags\":5}," + SYMMETRIC + "}").invalid("initialTwin.tags"),
                Row.put(e, "{\"initialTwin\":{\"properties\":{\"desired\":[]}}," + SYMMETRIC + "}")
                        .invalid("initialTwin.properties.desired"),
                Row.put(e, "{\"optionalDeviceInformation\":\"x\"," + SYMMETRIC + "}")
                        .invalid("optionalDeviceInformation"),
                Row.put(e, "{\"registrationId\":[]," + SYMMETRIC + "}").invalid("registrationId"),
                Row.put(e, "{\"registrationId\":\"other\"," + SYMMETRIC + "}").invalid("registrationId"),
                Row.put(g, "{\"enrollmentGroupId\":{}," + SYMMETRIC + "}").invalid("enrollmentGroupId"),
                Row.put(e, "{\"deviceId\":{}," + SYMMETRIC + "}").invalid("deviceId"),
                Row.put(e, "{\"createdDateTimeUtc\":\"yesterday\"," + SYMMETRIC + "}").invalid("createdDateTimeUtc"),
                Row.put("/enrollments/mal%00nul", "{" + SYMMETRIC + "}").invalid("registrationId"),
                Row.put("/enrollments/" + "x".repeat(129), "{" + SYMMETRIC + "}").invalid("registrationId"),
                // null fields a DPS document may carry are fine
                Row.put("/enrollments/mal-nulls", "{\"registrationId\":null,\"deviceId\":null,\"etag\":null,"
                        + "\"capabilities\":null,\"initialTwin\":null,\"provisioningStatus\":null,"
                        + "\"reprovisionPolicy\":null,\"allocationPolicy\":null,\"iotHubs\":null,"
                        + "\"attestation\":{\"type\":\"symmetricKey\",\"symmetricKey\":{\"primaryKey\":null}}}")
                        .status(200, 0),
                Row.put("/enrollments/mal-nulls", "{\"capabilities\":{\"iotEdge\":null},\"reprovisionPolicy\":"
                        + "{\"updateHubAssignment\":null},\"initialTwin\":{\"tags\":null,\"properties\":null},"
                        + SYMMETRIC + "}").header("If-Match", "*").status(200, 0),
                // a document's etag for an enrollment that does not exist
                Row.put("/enrollments/mal-etag", "{\"etag\":\"nope\"," + SYMMETRIC + "}").status(412, 412001)));

        // bulk: the request's shape is checked as a whole (400004, nothing written) ...
        String b = "/enrollments";
        rows.addAll(List.of(
                Row.post(b, "null").invalid("null"),
                Row.post(b, "").invalid("empty"),
                Row.post(b, "[]").invalid("an array"),
                Row.post(b, "{\"mode\":\"create\"}").invalid("'enrollments'"),
                Row.post(b, "{\"mode\":\"create\",\"enrollments\":null}").invalid("'enrollments'"),
                Row.post(b, "{\"mode\":\"create\",\"enrollments\":{}}").invalid("'enrollments'"),
                // issue 11 case 9: a bulk holding null answered 500
                Row.post(b, "{\"mode\":\"create\",\"enrollments\":[null]}").invalid("enrollments[0]"),
                Row.post(b, "{\"mode\":\"create\",\"enrollments\":[{\"registrationId\":\"mal-b1\"," + SYMMETRIC
                        + "},5]}").invalid("enrollments[1]"),
                Row.post(b, "{\"mode\":\"create\",\"enrollments\":[\"mal-b1\"]}").invalid("enrollments[0]"),
                Row.post(b, "{\"mode\":\"create\",\"enrollments\":[[]]}").invalid("enrollments[0]"),
                Row.post("/enrollmentGroups", "{\"mode\":\"create\",\"enrollmentGroups\":[null]}")
                        .invalid("enrollmentGroups[0]"),
                // ... and each well-shaped item on its own (200, per-item errors)
                Row.post(b, "{\"mode\":\"create\",\"enrollments\":[{\"registrationId\":\"mal-b2\","
                        + "\"attestation\":null}]}").bulkItemError(400004, "attestation.type"),
                Row.post(b, "{\"mode\":\"create\",\"enrollments\":[{\"registrationId\":\"mal-b3\","
                        + "\"provisioningStatus\":7," + SYMMETRIC + "}]}").bulkItemError(400004, "provisioningStatus"),
                Row.post(b, "{\"mode\":\"create\",\"enrollments\":[{\"registrationId\":5,"
                        + "\"attestation\":[]}]}").bulkItemError(400004, "attestation"),
                Row.post(b, "{\"mode\":null,\"enrollments\":[{\"registrationId\":\"mal-b4\"," + SYMMETRIC + "}]}")
                        .bulkItemError(400004, "mode"),
                Row.post(b, "{\"mode\":[],\"enrollments\":[{\"registrationId\":\"mal-b5\"," + SYMMETRIC + "}]}")
                        .bulkItemError(400004, "mode"),
                Row.post(b, "{\"mode\":\"delete\",\"enrollments\":[{\"registrationId\":null}]}")
                        .bulkItemError(400004, "registrationId")));

        // queries, registration records, the attestation mechanism, headers
        rows.addAll(List.of(
                Row.post("/enrollments/query", "null").status(400, 400001),
                Row.post("/enrollments/query", "[]").status(400, 400001),
                Row.post("/enrollments/query", "\"SELECT *\"").status(400, 400001),
                Row.post("/enrollments/query", "{\"query\":null}").status(400, 400001),
                Row.post("/enrollments/query", "{\"query\":5}").status(400, 400001),
                Row.post("/enrollments/query", "{\"query\":{}}").status(400, 400001),
                Row.post("/enrollments/query", "not json").status(400, 400001),
                Row.post("/enrollmentGroups/query", "{\"query\":\"SELECT * FROM enrollmentGroups WHERE\"}")
                        .status(400, 400001),
                Row.post("/registrations/" + GOOD_GROUP + "/query", "null").status(400, 400001),
                Row.post("/registrations/" + GOOD_GROUP + "/query", "{\"query\":[]}").status(400, 400001),
                Row.post("/enrollments/query", "{}").header("x-ms-max-item-count", "ten").status(400, 400001),
                Row.post("/enrollments/query", "{}").header("x-ms-max-item-count", "99999999999999")
                        .status(400, 400001),
                Row.post("/enrollments/query", "{}").header("x-ms-max-item-count", "-3").status(200, 0),
                Row.post("/enrollments/query", "{}").header("x-ms-continuation", "%00%ff").status(400, 400001),
                Row.get("/registrations").header("x-ms-continuation", "\u00e9t\u00e9").status(400, 400001),
                Row.post("/enrollments/" + GOOD + "/attestationmechanism", "null").status(200, 0),
                Row.post("/enrollments/" + GOOD + "/attestationmechanism", "[1,2").status(200, 0),
                Row.get("/enrollments/" + "x".repeat(2000)).status(404, 404202),
                Row.get("/enrollments/%0AINFO%20forged").status(404, 404202),
                Row.delete("/enrollments/mal-none").header("If-Match", "\"\"").status(412, 412001),
                Row.delete("/registrations/mal-none").header("If-Match", "W/\"x\"").status(412, 412001),
                Row.method("PATCH", "/enrollments/" + GOOD, "{}").status(405, 405001),
                Row.method("OPTIONS", "/enrollments", null).status(405, 405001),
                // fault rules (dpsemu's extension): same shapes
                Row.post("/dpsemu/faults", "null").status(400, 400001),
                Row.post("/dpsemu/faults", "[]").status(400, 400001),
                Row.post("/dpsemu/faults", "").status(400, 400001),
                Row.post("/dpsemu/faults", "{\"registrationId\":null,\"status\":null,\"kinds\":[null]}")
                        .status(400, 400004),
                Row.post("/dpsemu/faults", "{\"transports\":\"mqtt\",\"drop\":true}").status(400, 400004)));

        // credentials
        rows.addAll(List.of(
                Row.get("/enrollments/" + GOOD).header("Authorization", null).status(401, 401002),
                Row.get("/enrollments/" + GOOD).header("Authorization", "").status(401, 401002),
                Row.get("/enrollments/" + GOOD).header("Authorization", "SharedAccessSignature").status(401, 401002),
                Row.get("/enrollments/" + GOOD).header("Authorization", "SharedAccessSignature sr=&sig=&se=&skn=")
                        .status(401, 401002),
                Row.get("/enrollments/" + GOOD).header("Authorization", "SharedAccessSignature sr=localhost&sig=%zz"
                        + "&se=99999999999999999999&skn=provisioningserviceowner").status(401, 401002),
                Row.get("/enrollments/" + GOOD).header("Authorization", "SharedAccessSignature sr=localhost&sig=AAAA"
                        + "&se=1&skn=" + "x".repeat(4000)).status(401, 401002),
                Row.get("/enrollments/" + GOOD).header("Authorization", "Basic " + "A".repeat(100))
                        .status(401, 401002)));
        return rows.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("documents")
    void serviceApi_answersEveryMalformedRequestWithAClearError_andStillServes(Row row) throws IOException {
        Response response = send(row.request());

        assertThat(response.status()).as("%s -> %s", row, response).isEqualTo(row.status);
        if (row.errorCode != 0) {
            assertThat(response.header("x-ms-error-code")).as("%s", response)
                    .isEqualTo(Integer.toString(row.errorCode));
            assertThat(response.json().path("errorCode").asInt()).isEqualTo(row.errorCode);
            assertThat(response.json().path("message").asText()).as("%s", response).contains(row.messagePart);
            assertThat(response.json().path("trackingId").asText()).isNotBlank();
        }
        if (row.bulkItemErrorCode != 0) {
            assertThat(response.json().path("isSuccessful").asBoolean()).as("%s", response).isFalse();
            assertThat(response.json().at("/errors/0/errorCode").asInt()).as("%s", response)
                    .isEqualTo(row.bulkItemErrorCode);
            assertThat(response.json().at("/errors/0/errorStatus").asText()).contains(row.messagePart);
        }
        assertStillServing();
    }

    // ---- malformed HTTP on the service API's port ----

    static Stream<Raw> http() {
        String auth = "Authorization: " + ownerToken() + "\r\n";
        String put = "PUT /enrollments/mal-http" + Q + " HTTP/1.1\r\nHost: localhost\r\n" + auth;
        return Stream.of(
                new Raw("garbage request line", "GARBAGE\r\n\r\n", 400),
                new Raw("no HTTP version", "GET /enrollments/x\r\n\r\n", 400),
                new Raw("header without colon", "GET /enrollments/x HTTP/1.1\r\nHost localhost\r\n\r\n", 400),
                new Raw("Content-Length not a number", put + "Content-Length: ten\r\n\r\n{}", 400),
                new Raw("two different Content-Lengths", put + "Content-Length: 2\r\nContent-Length: 3\r\n\r\n{}",
                        400),
                new Raw("Content-Length and chunked", put + "Content-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n"
                        + "2\r\n{}\r\n0\r\n\r\n", 400),
                new Raw("bad chunk size", put + "Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n", 400),
                new Raw("head over limits.maxHttpHeaderBytes", "GET /enrollments/x HTTP/1.1\r\nHost: localhost\r\n"
                        + "X-Big: " + "a".repeat(9000) + "\r\n\r\n", 431),
                new Raw("request line over 4 KB", "GET /enrollments/" + "a".repeat(5000) + " HTTP/1.1\r\n\r\n", 431),
                new Raw("body over limits.maxHttpBodyBytes", put + "Content-Length: 200000\r\n\r\n{", 413),
                new Raw("null byte in the path", "GET /enrollments/a\u0000b HTTP/1.1\r\nHost: localhost\r\n" + auth
                        + "\r\n", 404),
                new Raw("body shorter than Content-Length", put + "Content-Length: 100\r\n\r\n{\"a\":", -1),
                new Raw("head never finished", "GET /enrollments/x HTTP/1.1\r\nHost: localhost\r\n", -1));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("http")
    void http_malformedRequestsAreRefusedOrClosed_andTheServerStillServes(Raw raw) throws IOException {
        try (RawHttpsClient client = connect()) {
            client.send(raw.bytes.getBytes(StandardCharsets.ISO_8859_1));
            if (raw.status > 0) {
                Response response = client.readResponse();
                assertThat(response.status()).as("%s", response).isEqualTo(raw.status);
                assertThat(response.json().path("errorCode").asInt() / 1000).isEqualTo(raw.status);
            } else {
                Duration deadline = Duration.ofSeconds(REQUEST_TIMEOUT_SECONDS + 3);
                assertThat(client.awaitClosedByServer(deadline)).as("closed at the request deadline").isTrue();
            }
        }
        assertStillServing();
    }

    // ---- helpers ----

    /** The last step of every row: a good request on a new connection gets its answer, and nothing was logged amiss. */
    private void assertStillServing() throws IOException {
        Response good = send(Row.get("/enrollments/" + GOOD).request());
        assertThat(good.status()).as("a good request after the bad one: %s", good).isEqualTo(200);
        assertThat(good.json().path("registrationId").asText()).isEqualTo(GOOD);
        assertThat(logs.warningsOrStackTraces()).as("warnings or stack traces logged for a client's fault")
                .isEmpty();
    }

    private static Response send(Request request) throws IOException {
        try (RawHttpsClient client = connect()) {
            return client.exchange(request);
        }
    }

    private static RawHttpsClient connect() throws IOException {
        return RawHttpsClient.connect(server.httpsPort(), server.caCertificate());
    }

    private static String ownerToken() {
        return SasTokens.create(HOST, ownerKey, Instant.now().plusSeconds(600), ServicePolicyNames.OWNER);
    }

    /** One service API request of the corpus and the answer it must get. */
    static final class Row {

        final String method;
        final String target;
        final byte[] body;
        final Map<String, String> headers = new LinkedHashMap<>();
        int status;
        int errorCode;
        int bulkItemErrorCode;
        String messagePart = "";

        private Row(String method, String target, byte[] body) {
            this.method = method;
            this.target = target;
            this.body = body;
        }

        static Row method(String method, String path, String body) {
            return new Row(method, path, body == null ? null : body.getBytes(StandardCharsets.UTF_8));
        }

        static Row put(String path, String body) {
            return method("PUT", path, body);
        }

        static Row put(String path, byte[] body) {
            return new Row("PUT", path, body);
        }

        static Row post(String path, String body) {
            return method("POST", path, body);
        }

        static Row get(String path) {
            return method("GET", path, null);
        }

        static Row delete(String path) {
            return method("DELETE", path, null);
        }

        /** A header to send; null leaves out one the row would send by default (Authorization). */
        Row header(String name, String value) {
            headers.put(name, value);
            return this;
        }

        Row status(int httpStatus, int dpsErrorCode) {
            this.status = httpStatus;
            this.errorCode = dpsErrorCode;
            return this;
        }

        /** 400 with errorCode 400004 and a message containing {@code part}. */
        Row invalid(String part) {
            this.messagePart = part;
            return status(400, 400004);
        }

        /** 200 with {@code isSuccessful: false} and a first error of this code and message. */
        Row bulkItemError(int code, String part) {
            this.bulkItemErrorCode = code;
            this.messagePart = part;
            return status(200, 0);
        }

        Request request() {
            Request request = RawHttpsClient.request(method, target + Q).header("Host", HOST);
            Map<String, String> all = new LinkedHashMap<>();
            all.put("Authorization", ownerToken());
            all.putAll(headers);
            all.forEach((name, value) -> {
                if (value != null) {
                    request.header(name, value);
                }
            });
            if (body != null) {
                request.header("Content-Type", "application/json").body(body);
            }
            return request;
        }

        @Override
        public String toString() {
            String shown = body == null ? "" : new String(body, StandardCharsets.UTF_8);
            return method + " " + (target.length() > 60 ? target.substring(0, 60) + "..." : target) + " "
                    + (shown.length() > 120 ? shown.substring(0, 120) + "..." : shown)
                    + (headers.isEmpty() ? "" : " " + headers.keySet());
        }
    }

    /** Raw bytes on the HTTPS port and the status they must get; -1: closed at the request deadline. */
    record Raw(String name, String bytes, int status) {

        @Override
        public String toString() {
            return name;
        }
    }
}
