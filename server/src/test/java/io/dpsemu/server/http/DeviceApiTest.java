package io.dpsemu.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dpsemu.protocol.json.DpsJson;
import io.dpsemu.server.rawmqtt.RawMqttDevice;
import io.dpsemu.server.rawmqtt.RawMqttEmbeddedServer;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link DeviceApi} over a real registration engine and in-memory store: which paths are its own,
 * and the status, headers and DPS body of each answer (docs/protocol-notes.md#https-device-api).
 */
class DeviceApiTest {

    private static final String SCOPE = RawMqttEmbeddedServer.ID_SCOPE;
    private static final String JSON = "application/json; charset=utf-8";
    private static final int MAX_POLLS = 100;

    private final RawMqttEmbeddedServer server = RawMqttEmbeddedServer.start();
    private final DeviceApi api = new DeviceApi(server.services().registrations());

    @AfterEach
    void stop() {
        server.close();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/", "/nothing", "/" + SCOPE + "/registrations", "/" + SCOPE + "/devices/r/register",
            "/" + SCOPE + "/registrations/r/register/extra/more", "/" + SCOPE + "/registrations//register",
            "/" + SCOPE + "/registrations/r/unknown", "/" + SCOPE + "/registrations/r/operations"})
    void handle_whenPathIsNotADeviceRoute_thenEmpty(String path) {
        FullHttpRequest request = request(HttpMethod.GET, path + "?api-version=2019-03-31", null, null);
        try {
            assertThat(api.handle(request, List::of)).isEmpty();
        } finally {
            request.release();
        }
    }

    @ParameterizedTest(name = "{0} {1} -> Allow {2}")
    @CsvSource({
            "GET, /registrations/r/register, PUT",
            "POST, /registrations/r/register, PUT",
            "PUT, /registrations/r/operations/op, GET",
            "GET, /registrations/r, POST"})
    void handle_whenMethodIsWrongForAKnownPath_then405WithAllow(String method, String path, String allowed) {
        Answer answer = answer(request(HttpMethod.valueOf(method), "/" + SCOPE + path + "?api-version=2019-03-31",
                null, null));

        assertThat(answer.status()).isEqualTo(405);
        assertThat(answer.header("Allow")).isEqualTo(allowed);
        assertDpsError(answer, 405001);
    }

    @Test
    void register_whenApiVersionMissing_then400() {
        RawMqttDevice device = server.enroll("api-no-version");

        Answer answer = answer(request(HttpMethod.PUT, "/" + SCOPE + "/registrations/api-no-version/register",
                device.sasToken(), "{}"));

        assertThat(answer.status()).isEqualTo(400);
        assertDpsError(answer, 400001);
        assertThat(answer.json().path("message").asText()).contains("api-version");
    }

    @Test
    void register_whenValid_then202WithRetryAfterLocationFromHostAndAssigningBody() {
        RawMqttDevice device = server.enroll("api-register");

        Answer answer = answer(register(device, device.sasToken(), "{\"registrationId\":\"api-register\"}"));

        assertThat(answer.status()).isEqualTo(202);
        assertThat(answer.header("Retry-After")).isEqualTo("3");
        assertThat(answer.header("Location"))
                .isEqualTo("https://dps.example:8443/" + SCOPE + "/registrations/api-register/register");
        assertThat(answer.header("Content-Type")).isEqualTo(JSON);
        assertThat(answer.header("x-ms-request-id")).isNotBlank();
        assertThat(answer.header("x-ms-error-code")).isNull();
        assertThat(answer.json().path("status").asText()).isEqualTo("assigning");
        assertThat(answer.json().path("operationId").asText()).matches("[A-Za-z0-9.-]+");
    }

    @Test
    void register_whenBodyIsEmpty_then202() {
        RawMqttDevice device = server.enroll("api-empty-body");

        assertThat(answer(register(device, device.sasToken(), "")).status()).isEqualTo(202);
    }

    @Test
    void register_whenPathSegmentsArePercentEncoded_thenDecodedBeforeUse() {
        RawMqttDevice device = server.enroll("api-encoded");

        Answer answer = answer(request(HttpMethod.PUT, "/" + SCOPE + "/registrations/api%2Dencoded/register"
                + "?api-version=2021-06-01", device.sasToken(), "{\"registrationId\":\"api-encoded\"}"));

        assertThat(answer.status()).isEqualTo(202);
    }

    @Test
    void register_whenPercentEncodingIsBroken_then400() {
        RawMqttDevice device = server.enroll("api-bad-encoding");

        Answer answer = answer(request(HttpMethod.PUT, "/" + SCOPE + "/registrations/api%ZZ/register"
                + "?api-version=2019-03-31", device.sasToken(), "{}"));

        assertThat(answer.status()).isEqualTo(400);
        assertDpsError(answer, 400001);
    }

    @Test
    void register_whenBodyNamesAnotherRegistrationId_then400() {
        RawMqttDevice device = server.enroll("api-mismatch");

        Answer answer = answer(register(device, device.sasToken(), "{\"registrationId\":\"someone-else\"}"));

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.json().path("message").asText()).contains("someone-else");
    }

    @Test
    void register_whenBodyIsNotJson_then400() {
        RawMqttDevice device = server.enroll("api-bad-json");

        Answer answer = answer(register(device, device.sasToken(), "{\"registrationId\":"));

        assertThat(answer.status()).isEqualTo(400);
        assertDpsError(answer, 400001);
    }

    @Test
    void register_whenContentTypeIsNotJsonAndBodyIsNotBlank_then415() {
        RawMqttDevice device = server.enroll("api-text");
        FullHttpRequest request = register(device, device.sasToken(), "registrationId=api-text");
        request.headers().set("Content-Type", "text/plain");

        Answer answer = answer(request);

        assertThat(answer.status()).isEqualTo(415);
        assertDpsError(answer, 415001);
    }

    @Test
    void register_whenTpmAttestation_then400NamingTpm() {
        RawMqttDevice device = server.enroll("api-tpm");

        Answer answer = answer(register(device, null,
                "{\"registrationId\":\"api-tpm\","
                        + "\"tpm\":{\"endorsementKey\":\"AToAAQ\",\"storageRootKey\":\"ARgAAQ\"}}"));

        assertThat(answer.status()).isEqualTo(400);
        assertDpsError(answer, 400001);
        assertThat(answer.json().path("message").asText()).contains("TPM");
    }

    @Test
    void register_whenNoAuthorization_then401() {
        RawMqttDevice device = server.enroll("api-no-auth");

        Answer answer = answer(register(device, null, "{}"));

        assertThat(answer.status()).isEqualTo(401);
        assertThat(answer.json().path("errorCode").asInt() / 1000).isEqualTo(401);
        assertThat(answer.header("x-ms-error-code")).isEqualTo(answer.json().path("errorCode").asText());
    }

    @Test
    void register_whenSasSignedWithAnotherKey_then401WithReason() {
        RawMqttDevice device = server.enroll("api-bad-sas");
        String forged = device.sasToken(RawMqttDevice.newKey(), Instant.now().plus(Duration.ofHours(1)));

        Answer answer = answer(register(device, forged, "{}"));

        assertThat(answer.status()).isEqualTo(401);
        assertThat(answer.json().path("errorCode").asInt() / 1000).isEqualTo(401);
        assertThat(answer.json().path("message").asText()).contains("signature");
        assertThat(server.store().findRegistration("api-bad-sas")).isEmpty();
    }

    @Test
    void poll_whenOperationUnknown_then404() {
        RawMqttDevice device = server.enroll("api-unknown-op");

        Answer answer = answer(poll(device, "no-such-operation"));

        assertThat(answer.status()).isEqualTo(404);
        assertDpsError(answer, 404204);
    }

    @Test
    void poll_whenRegistered_thenAssigned200WithoutRetryAfter() {
        RawMqttDevice device = server.enroll("api-poll");
        String operationId = answer(register(device, device.sasToken(), "{}")).json().path("operationId").asText();

        Answer done = pollUntilDone(device, operationId);

        assertThat(done.header("Retry-After")).isNull();
        assertThat(done.header("Content-Type")).isEqualTo(JSON);
        JsonNode body = done.json();
        assertThat(body.path("operationId").asText()).isEqualTo(operationId);
        assertThat(body.path("status").asText()).isEqualTo("assigned");
        assertThat(body.path("registrationState").path("assignedHub").asText()).isEqualTo(RawMqttEmbeddedServer.HUB);
        assertThat(body.path("registrationState").path("deviceId").asText()).isEqualTo("api-poll");
        assertThat(body.path("registrationState").path("substatus").asText()).isEqualTo("initialAssignment");
        assertThat(body.path("registrationState").path("etag").asText()).isNotEmpty();
    }

    @Test
    void poll_whenAnotherDevicesOperation_then404() {
        RawMqttDevice owner = server.enroll("api-owner");
        RawMqttDevice other = server.enroll("api-other");
        String operationId = answer(register(owner, owner.sasToken(), "{}")).json().path("operationId").asText();

        assertThat(answer(poll(other, operationId)).status()).isEqualTo(404);
    }

    @Test
    void statusLookup_whenNeverRegistered_then404() {
        RawMqttDevice device = server.enroll("api-lookup-none");

        Answer answer = answer(lookup(device));

        assertThat(answer.status()).isEqualTo(404);
        assertDpsError(answer, 404201);
    }

    @Test
    void statusLookup_whenRegistered_then200WithBareResult() {
        RawMqttDevice device = server.enroll("api-lookup");
        String operationId = answer(register(device, device.sasToken(), "{}")).json().path("operationId").asText();
        pollUntilDone(device, operationId);

        Answer answer = answer(lookup(device));

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.json().has("operationId")).isFalse();
        assertThat(answer.json().path("registrationId").asText()).isEqualTo("api-lookup");
        assertThat(answer.json().path("status").asText()).isEqualTo("assigned");
        assertThat(answer.json().path("assignedHub").asText()).isEqualTo(RawMqttEmbeddedServer.HUB);
    }

    @Test
    void statusLookup_whenTheBodyCarriesACsr_then400SayingItBelongsToTheRegister() {
        RawMqttDevice device = server.enroll("api-lookup-csr");

        Answer answer = answer(request(HttpMethod.POST, "/" + SCOPE + "/registrations/" + device.registrationId()
                + "?api-version=2025-07-01-preview", device.sasToken(), "{\"registrationId\":\""
                + device.registrationId() + "\",\"csr\":\"MIIB\"}"));

        assertThat(answer.status()).isEqualTo(400);
        assertDpsError(answer, 400001);
        assertThat(answer.json().path("message").asText()).contains("a status lookup takes no csr");
    }

    private Answer pollUntilDone(RawMqttDevice device, String operationId) {
        for (int i = 0; i < MAX_POLLS; i++) {
            Answer answer = answer(poll(device, operationId));
            if (answer.status() == 200) {
                return answer;
            }
            assertThat(answer.status()).isEqualTo(202);
            assertThat(answer.header("Retry-After")).isEqualTo("3");
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        throw new AssertionError("still assigning after " + MAX_POLLS + " polls");
    }

    private static FullHttpRequest register(RawMqttDevice device, String token, String body) {
        return request(HttpMethod.PUT, "/" + SCOPE + "/registrations/" + device.registrationId()
                + "/register?api-version=2019-03-31", token, body);
    }

    private static FullHttpRequest poll(RawMqttDevice device, String operationId) {
        return request(HttpMethod.GET, "/" + SCOPE + "/registrations/" + device.registrationId() + "/operations/"
                + operationId + "?api-version=2019-03-31", device.sasToken(), "{}");
    }

    private static FullHttpRequest lookup(RawMqttDevice device) {
        return request(HttpMethod.POST, "/" + SCOPE + "/registrations/" + device.registrationId()
                + "?api-version=2019-03-31", device.sasToken(), "{\"registrationId\":\"" + device.registrationId()
                + "\"}");
    }

    private static FullHttpRequest request(HttpMethod method, String uri, String token, String body) {
        byte[] content = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, uri,
                Unpooled.wrappedBuffer(content));
        request.headers().set("Host", "dps.example:8443").set("Content-Length", content.length);
        if (body != null) {
            request.headers().set("Content-Type", JSON);
        }
        if (token != null) {
            request.headers().set("Authorization", token);
        }
        return request;
    }

    /** The API's answer, waited for and copied out of its buffer. */
    private Answer answer(FullHttpRequest request) {
        try {
            Optional<CompletableFuture<FullHttpResponse>> handled = api.handle(request, List::of);
            assertThat(handled).as("%s %s is a device route", request.method(), request.uri()).isPresent();
            FullHttpResponse response = handled.get().get(5, TimeUnit.SECONDS);
            try {
                return new Answer(response.status().code(), response.headers(),
                        response.content().toString(StandardCharsets.UTF_8));
            } finally {
                response.release();
            }
        } catch (Exception e) {
            throw new AssertionError(e);
        } finally {
            request.release();
        }
    }

    private static void assertDpsError(Answer answer, int errorCode) {
        assertThat(answer.header("Content-Type")).isEqualTo(JSON);
        assertThat(answer.header(HttpResponses.ERROR_CODE_HEADER)).isEqualTo(Integer.toString(errorCode));
        JsonNode body = answer.json();
        assertThat(body.path("errorCode").asInt()).isEqualTo(errorCode);
        assertThat(body.path("message").asText()).isNotBlank();
        assertThat(body.path("trackingId").asText()).isNotBlank();
        assertThat(body.path("timestampUtc").asText()).isNotBlank();
    }

    private record Answer(int status, HttpHeaders headers, String body) {

        String header(String name) {
            return headers.get(name);
        }

        JsonNode json() {
            try {
                return DpsJson.mapper().readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException("not JSON: " + body, e);
            }
        }
    }
}
