package io.dpsemu.server.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dpsemu.protocol.enrollment.AttestationType;
import io.dpsemu.protocol.enrollment.DeviceCapabilities;
import io.dpsemu.protocol.json.DpsJson;
import io.dpsemu.protocol.model.RegistrationStatus;
import io.dpsemu.protocol.model.RegistrationSubstatus;
import io.dpsemu.server.service.ServiceApiFixture.Reply;
import io.dpsemu.store.IssuedCertificateRecord;
import io.dpsemu.store.RegistrationRecord;
import io.dpsemu.store.TestDocuments;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code /registrations} through {@link ServiceApi}, over an in-memory store. */
class RegistrationResourceTest {

    private static final String Q = "?api-version=2021-10-01";

    @TempDir
    Path dataDir;

    private ServiceApiFixture fixture;

    @BeforeEach
    void start() {
        fixture = new ServiceApiFixture(dataDir);
        record("solo-1", null, RegistrationStatus.ASSIGNED, null);
        record("g1-dev-a", "group-1", RegistrationStatus.ASSIGNED, null);
        record("g1-dev-b", "group-1", RegistrationStatus.ASSIGNED, null);
        record("g1-dev-c", "Group-1", RegistrationStatus.ASSIGNED, null);
        record("g2-dev-a", "group-2", RegistrationStatus.FAILED, 401002);
    }

    @AfterEach
    void stop() {
        fixture.close();
    }

    @Test
    void get_whenRecordKeepsTwinAndCapabilities_thenShownBesideTheDpsFields() {
        JsonNode twin = DpsJson.read("{\"properties\":{\"desired\":{\"interval\":5}}}", JsonNode.class);
        fixture.store.putRegistration(new RegistrationRecord("edge-1", null, AttestationType.SYMMETRIC_KEY, "edge-1",
                ServiceApiFixture.HUB_A, RegistrationStatus.ASSIGNED, RegistrationSubstatus.DEVICE_DATA_RESET, null,
                null, null, null, null, null, twin, new DeviceCapabilities(true), null, null));

        JsonNode state = fixture.call("GET", "/registrations/edge-1" + Q).send().json();

        assertThat(state.path("initialTwin")).isEqualTo(twin);
        assertThat(state.path("capabilities").path("iotEdge").asBoolean()).isTrue();
        assertThat(state.path("substatus").asText()).isEqualTo("deviceDataReset");
    }

    @Test
    void get_whenRecordExists_thenDeviceRegistrationStateInDpsShape() {
        Reply reply = fixture.call("GET", "/registrations/solo-1" + Q).send();

        assertThat(reply.status()).isEqualTo(200);
        JsonNode state = reply.json();
        assertThat(state.path("registrationId").asText()).isEqualTo("solo-1");
        assertThat(state.path("deviceId").asText()).isEqualTo("device-solo-1");
        assertThat(state.path("assignedHub").asText()).isEqualTo(ServiceApiFixture.HUB_A);
        assertThat(state.path("status").asText()).isEqualTo("assigned");
        assertThat(state.path("substatus").asText()).isEqualTo("initialAssignment");
        assertThat(state.path("etag").asText()).isNotBlank();
        assertThat(state.path("createdDateTimeUtc").asText()).endsWith("Z");
        assertThat(state.path("lastUpdatedDateTimeUtc").asText()).endsWith("Z");
        assertThat(state.has("payload")).isTrue();
        assertThat(state.has("enrollmentGroupId")).as("not a DeviceRegistrationState field").isFalse();
        assertThat(state.has("attestationType")).as("not a DeviceRegistrationState field").isFalse();
        assertThat(state.has("issuedCertificate")).as("no certificate issued").isFalse();
        assertThat(state.has("supersededCertificates")).as("no certificate issued").isFalse();
    }

    @Test
    void getAndGroupQuery_whenCertificatesWereIssued_thenTheirFactsAreListedWithoutTheCertificateBodies() {
        Instant renewed = Instant.parse("2025-06-01T10:00:00Z");
        IssuedCertificateRecord current = TestDocuments.issuedCertificate("0C");
        fixture.store.putRegistration(fixture.store.findRegistration("g1-dev-a").orElseThrow()
                .withIssuedCertificate(TestDocuments.issuedCertificate("0A"), renewed.minusSeconds(60), 10)
                .withIssuedCertificate(TestDocuments.issuedCertificate("0B"), renewed.minusSeconds(30), 10)
                .withIssuedCertificate(current, renewed, 10));

        JsonNode state = fixture.call("GET", "/registrations/g1-dev-a" + Q).send().json();
        JsonNode listed = fixture.call("POST", "/registrations/group-1/query" + Q).body("{\"query\":\"SELECT *\"}")
                .send().json();

        JsonNode issued = state.path("issuedCertificate");
        assertThat(issued.path("credentialPolicyName").asText()).isEqualTo("local");
        assertThat(issued.path("serialNumber").asText()).isEqualTo("0C");
        assertThat(issued.path("sha256Thumbprint").asText()).isEqualTo(current.sha256Thumbprint());
        assertThat(issued.path("subjectName").asText()).isEqualTo("CN=device-1");
        assertThat(DpsJson.read(issued.path("notBeforeUtc").toString(), Instant.class))
                .isEqualTo(current.notBeforeUtc());
        assertThat(DpsJson.read(issued.path("notAfterUtc").toString(), Instant.class))
                .isEqualTo(current.notAfterUtc());
        assertThat(DpsJson.read(issued.path("issuedDateTimeUtc").toString(), Instant.class))
                .isEqualTo(current.issuedDateTimeUtc());
        assertThat(issued.has("supersededDateTimeUtc")).isFalse();
        assertThat(state.path("supersededCertificates")).extracting(c -> c.path("serialNumber").asText())
                .containsExactly("0B", "0A");
        assertThat(DpsJson.read(state.at("/supersededCertificates/0/supersededDateTimeUtc").toString(),
                Instant.class)).isEqualTo(renewed);
        assertThat(state.toString()).doesNotContain(current.certificate()).doesNotContain("\"certificate\"");
        JsonNode listedState = null;
        for (JsonNode item : listed) {
            if (item.path("registrationId").asText().equals("g1-dev-a")) {
                listedState = item;
            }
        }
        assertThat(listedState).isEqualTo(state);
    }

    @Test
    void get_whenFailedRecord_thenErrorCodeAndMessageShown() {
        JsonNode state = fixture.call("GET", "/registrations/G2-DEV-A" + Q).send().json();

        assertThat(state.path("status").asText()).isEqualTo("failed");
        assertThat(state.path("errorCode").asInt()).isEqualTo(401002);
        assertThat(state.path("errorMessage").asText()).isEqualTo("refused");
    }

    @Test
    void get_whenUnknown_thenNotFound() {
        Reply reply = fixture.call("GET", "/registrations/nobody" + Q).send();

        assertThat(reply.status()).isEqualTo(404);
        assertThat(reply.errorCode()).isEqualTo(404202);
    }

    @Test
    void delete_whenExisting_then204ThenNotFound() {
        assertThat(fixture.call("DELETE", "/registrations/solo-1" + Q).send().status()).isEqualTo(204);
        assertThat(fixture.store.findRegistration("solo-1")).isEmpty();
        assertThat(fixture.call("DELETE", "/registrations/solo-1" + Q).send().status()).isEqualTo(404);
        assertThat(fixture.call("GET", "/registrations/solo-1" + Q).send().status()).isEqualTo(404);
    }

    @Test
    void delete_whenIfMatchIsCurrentOrStale_thenDeletedOrPreconditionFailed() {
        String etag = fixture.store.findRegistration("solo-1").orElseThrow().etag();

        Reply stale = fixture.call("DELETE", "/registrations/solo-1" + Q).header("If-Match", "\"stale\"").send();
        assertThat(stale.status()).isEqualTo(412);
        assertThat(stale.errorCode()).isEqualTo(412001);
        assertThat(fixture.store.findRegistration("solo-1")).isPresent();

        assertThat(fixture.call("DELETE", "/registrations/solo-1" + Q).header("If-Match", etag).send().status())
                .isEqualTo(204);
    }

    @Test
    void delete_whenPolicyLacksRegistrationStatusWrite_thenForbiddenAndKept() {
        Reply reply = fixture.call("DELETE", "/registrations/solo-1" + Q)
                .as(ServiceApiFixture.READER, ServiceApiFixture.READER_KEY).send();

        assertThat(reply.status()).isEqualTo(403);
        assertThat(reply.errorCode()).isEqualTo(403001);
        assertThat(reply.json().path("message").asText()).contains("RegistrationStatusWrite");
        assertThat(fixture.store.findRegistration("solo-1")).isPresent();
        assertThat(fixture.call("GET", "/registrations/solo-1" + Q)
                .as(ServiceApiFixture.READER, ServiceApiFixture.READER_KEY).send().status()).isEqualTo(200);
    }

    @Test
    void groupQuery_whenPaged_thenOnlyThatGroupsRecordsEachOnce() {
        List<Reply> pages = pages("POST", "/registrations/group-1/query", "{\"query\":\"select * from enrollments\"}",
                "2");

        assertThat(pages).hasSize(2);
        assertThat(pages).allSatisfy(p -> assertThat(p.header("x-ms-item-type")).isEqualTo("deviceRegistration"));
        assertThat(pages.get(0).header("x-ms-continuation")).isNotBlank();
        assertThat(pages.get(1).headers().contains("x-ms-continuation")).isFalse();
        assertThat(ids(pages)).containsExactly("g1-dev-a", "g1-dev-b", "g1-dev-c");
    }

    @Test
    void groupQuery_whenGroupHasNoRecords_thenOneEmptyPage() {
        Reply reply = fixture.call("POST", "/registrations/group-9/query" + Q).send();

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.json()).isEmpty();
        assertThat(reply.header("x-ms-item-type")).isEqualTo("deviceRegistration");
        assertThat(reply.headers().contains("x-ms-continuation")).isFalse();
    }

    @Test
    void listAll_whenPaged_thenEveryRecordOnce() {
        List<Reply> pages = pages("GET", "/registrations", null, "3");

        assertThat(pages).hasSize(2);
        assertThat(pages.get(1).headers().contains("x-ms-continuation")).isFalse();
        assertThat(ids(pages)).containsExactly("g1-dev-a", "g1-dev-b", "g1-dev-c", "g2-dev-a", "solo-1");
    }

    @Test
    void listAll_whenPolicyCanReadRegistrations_thenAllowed() {
        assertThat(fixture.call("GET", "/registrations" + Q).as(ServiceApiFixture.READER, ServiceApiFixture.READER_KEY)
                .send().json()).hasSize(5);
    }

    @Test
    void wrongMethods_thenMethodNotAllowedWithAllow() {
        Reply post = fixture.call("POST", "/registrations" + Q).send();
        Reply put = fixture.call("PUT", "/registrations/solo-1" + Q).body("{}").send();
        Reply get = fixture.call("GET", "/registrations/group-1/query" + Q).send();

        assertThat(post.status()).isEqualTo(405);
        assertThat(post.header("Allow")).isEqualTo("GET");
        assertThat(put.status()).isEqualTo(405);
        assertThat(put.header("Allow")).isEqualTo("GET, DELETE");
        assertThat(get.status()).isEqualTo(405);
        assertThat(get.header("Allow")).isEqualTo("POST");
    }

    private void record(String registrationId, String groupId, RegistrationStatus status, Integer errorCode) {
        fixture.store.putRegistration(new RegistrationRecord(registrationId, groupId, AttestationType.SYMMETRIC_KEY,
                "device-" + registrationId, ServiceApiFixture.HUB_A, status, RegistrationSubstatus.INITIAL_ASSIGNMENT,
                errorCode, errorCode == null ? null : "refused", DpsJson.mapper().createObjectNode().put("k", "v"),
                null, null, null, null, null, null, null));
    }

    private List<Reply> pages(String method, String path, String body, String pageSize) {
        List<Reply> pages = new ArrayList<>();
        String continuation = null;
        do {
            ServiceApiFixture.Call call = fixture.call(method, path + Q).header("x-ms-max-item-count", pageSize)
                    .header("x-ms-continuation", continuation);
            if (body != null) {
                call.body(body);
            }
            Reply page = call.send();
            assertThat(page.status()).as(page.toString()).isEqualTo(200);
            pages.add(page);
            continuation = page.header("x-ms-continuation");
            assertThat(pages).hasSizeLessThan(50);
        } while (continuation != null);
        return pages;
    }

    private static List<String> ids(List<Reply> pages) {
        List<String> ids = new ArrayList<>();
        pages.forEach(p -> p.json().forEach(item -> ids.add(item.path("registrationId").asText())));
        return ids;
    }
}
