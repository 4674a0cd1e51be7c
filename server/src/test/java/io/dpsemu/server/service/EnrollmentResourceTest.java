package io.dpsemu.server.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dpsemu.protocol.enrollment.AttestationType;
import io.dpsemu.protocol.json.DpsJson;
import io.dpsemu.protocol.model.RegistrationStatus;
import io.dpsemu.protocol.model.RegistrationSubstatus;
import io.dpsemu.server.service.ServiceApiFixture.Reply;
import io.dpsemu.store.RegistrationRecord;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.StringJoiner;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code /enrollments} and {@code /enrollmentGroups} through {@link ServiceApi}, over an in-memory store. */
class EnrollmentResourceTest {

    private static final String Q = "?api-version=2021-10-01";
    private static final String KEY_1 = ServiceApiFixture.newKey();
    private static final String KEY_2 = ServiceApiFixture.newKey();

    @TempDir
    Path dataDir;

    private ServiceApiFixture fixture;

    @BeforeEach
    void start() {
        fixture = new ServiceApiFixture(dataDir, 10, 100);
    }

    @AfterEach
    void stop() {
        fixture.close();
    }

    // ---- PUT ----

    @Test
    void put_whenNew_thenCreatedWithGeneratedKeysDefaultsAndStoreFields() {
        Reply reply = put("/enrollments/dev-1", "{\"attestation\":{\"type\":\"symmetricKey\",\"symmetricKey\":{}}}");

        assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
        JsonNode body = reply.json();
        assertThat(body.path("registrationId").asText()).isEqualTo("dev-1");
        assertThat(Base64.getDecoder().decode(body.at("/attestation/symmetricKey/primaryKey").asText())).hasSize(64);
        assertThat(Base64.getDecoder().decode(body.at("/attestation/symmetricKey/secondaryKey").asText())).hasSize(64);
        assertThat(body.path("etag").asText()).isNotBlank();
        assertThat(body.path("createdDateTimeUtc").asText()).endsWith("Z");
        assertThat(body.path("lastUpdatedDateTimeUtc").asText()).endsWith("Z");
        assertThat(body.path("provisioningStatus").asText()).isEqualTo("enabled");
        assertThat(body.at("/capabilities/iotEdge").asBoolean(true)).isFalse();
        assertThat(body.at("/reprovisionPolicy/updateHubAssignment").asBoolean()).isTrue();
        assertThat(fixture.store.findEnrollment("dev-1")).isPresent();
    }

    @Test
    void put_whenExisting_thenReplacedKeepingCreationTimeAndOmittedKeys() {
        JsonNode created = put("/enrollments/dev-1", symmetricKey(KEY_1, KEY_2)).json();

        Reply replaced = put("/enrollments/dev-1", "{\"registrationId\":\"dev-1\",\"deviceId\":\"device-one\","
                + "\"attestation\":{\"type\":\"symmetricKey\"}}", "*");

        assertThat(replaced.status()).as(replaced.toString()).isEqualTo(200);
        JsonNode body = replaced.json();
        assertThat(body.path("deviceId").asText()).isEqualTo("device-one");
        assertThat(body.path("etag").asText()).isNotEqualTo(created.path("etag").asText());
        assertThat(body.path("createdDateTimeUtc").asText()).isEqualTo(created.path("createdDateTimeUtc").asText());
        assertThat(body.at("/attestation/symmetricKey/primaryKey").asText()).isEqualTo(KEY_1);
        assertThat(body.at("/attestation/symmetricKey/secondaryKey").asText()).isEqualTo(KEY_2);
    }

    @Test
    void put_whenBodyIdDiffersFromPath_thenInvalid() {
        Reply reply = put("/enrollments/dev-1",
                "{\"registrationId\":\"dev-2\",\"attestation\":{\"type\":\"symmetricKey\"}}");

        assertInvalid(reply, "registrationId");
        assertThat(fixture.store.findEnrollment("dev-1")).isEmpty();
        assertThat(fixture.store.findEnrollment("dev-2")).isEmpty();
    }

    @Test
    void put_whenBodyIsNotJson_thenBadRequest() {
        Reply reply = put("/enrollments/dev-1", "not json");

        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.errorCode()).isEqualTo(400001);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"attestation\":{\"type\":\"symmetricKey\",\"symmetricKey\":{\"primaryKey\":\"AAAAAAAAAAA=\"}}}"
                    + "|attestation.symmetricKey.primaryKey",
            "{\"attestation\":{\"type\":\"symmetricKey\",\"symmetricKey\":{\"secondaryKey\":\"not base64!\"}}}"
                    + "|attestation.symmetricKey.secondaryKey",
            "{}|attestation.type",
            "{\"attestation\":{\"type\":\"tpm\"}}|attestation.tpm.endorsementKey",
            "{\"deviceId\":\"bad id\",\"attestation\":{\"type\":\"symmetricKey\"}}|deviceId",
            "{\"allocationPolicy\":\"static\",\"iotHubs\":[\"hub-a.example\",\"hub-b.example\"],"
                    + "\"attestation\":{\"type\":\"symmetricKey\"}}|iotHubs",
            "{\"iotHubs\":[\"hub-a.example\"],\"attestation\":{\"type\":\"symmetricKey\"}}|allocationPolicy",
            "{\"allocationPolicy\":\"hashed\",\"iotHubs\":[\"nowhere.example\"],"
                    + "\"attestation\":{\"type\":\"symmetricKey\"}}|iotHubs",
            "{\"allocationPolicy\":\"custom\",\"attestation\":{\"type\":\"symmetricKey\"}}|customAllocationDefinition",
            "{\"credentialPolicyName\":\"plant ca\",\"attestation\":{\"type\":\"symmetricKey\"}}"
                    + "|credentialPolicyName"})
    void put_whenDocumentBreaksARule_thenInvalidNamingTheField(String bodyAndField) {
        String[] parts = bodyAndField.split("\\|");

        assertInvalid(put("/enrollments/dev-1", parts[0]), parts[1]);
        assertThat(fixture.store.findEnrollment("dev-1")).isEmpty();
    }

    @Test
    void put_whenRegistrationIdInPathIsInvalid_thenInvalidNamingTheField() {
        assertInvalid(put("/enrollments/ends-with-dot.", "{\"attestation\":{\"type\":\"symmetricKey\"}}"),
                "registrationId");
        assertInvalid(put("/enrollments/" + "a".repeat(129), "{\"attestation\":{\"type\":\"symmetricKey\"}}"),
                "registrationId");
    }

    @Test
    void credentialPolicyName_whenPut_thenReturnedByPutGetQueryAndKeptUntilAReplacementLeavesItOut() {
        Reply created = put("/enrollments/dev-1", "{\"credentialPolicyName\":\"plant-ca.v2\","
                + symmetricKeyAttestation(KEY_1, KEY_2) + "}");

        JsonNode got = fixture.call("GET", "/enrollments/dev-1" + Q).send().json();
        JsonNode queried = fixture.call("POST", "/enrollments/query" + Q).send().json();
        Reply replaced = put("/enrollments/dev-1", symmetricKey(KEY_1, KEY_2), "*");

        assertThat(created.status()).as(created.toString()).isEqualTo(200);
        assertThat(created.json().path("credentialPolicyName").asText()).isEqualTo("plant-ca.v2");
        assertThat(got.path("credentialPolicyName").asText()).isEqualTo("plant-ca.v2");
        assertThat(queried.get(0).path("credentialPolicyName").asText()).isEqualTo("plant-ca.v2");
        assertThat(replaced.json().has("credentialPolicyName")).as(replaced.toString()).isFalse();
        assertThat(fixture.store.findEnrollment("dev-1").orElseThrow().credentialPolicyName()).isNull();
    }

    @Test
    void credentialPolicyName_whenPutForAGroup_thenReturnedByGetAndQuery() {
        Reply created = put("/enrollmentGroups/group-1", "{\"credentialPolicyName\":\"line_7\","
                + symmetricKeyAttestation(KEY_1, KEY_2) + "}");

        JsonNode got = fixture.call("GET", "/enrollmentGroups/group-1" + Q).send().json();
        JsonNode queried = fixture.call("POST", "/enrollmentGroups/query" + Q).send().json();

        assertThat(created.status()).as(created.toString()).isEqualTo(200);
        assertThat(got.path("credentialPolicyName").asText()).isEqualTo("line_7");
        assertThat(queried.get(0).path("credentialPolicyName").asText()).isEqualTo("line_7");
        assertThat(fixture.store.findGroup("group-1").orElseThrow().credentialPolicyName()).isEqualTo("line_7");
    }

    @Test
    void credentialPolicyName_whenBulkCreated_thenStoredPerItem_andABadNameFailsOnlyItsItem() {
        Reply reply = fixture.call("POST", "/enrollmentGroups" + Q).body("{\"mode\":\"create\",\"enrollmentGroups\":["
                + "{\"enrollmentGroupId\":\"g-1\",\"credentialPolicyName\":\"local\","
                + "\"attestation\":{\"type\":\"symmetricKey\"}},"
                + "{\"enrollmentGroupId\":\"g-2\",\"credentialPolicyName\":\"" + "p".repeat(65) + "\","
                + "\"attestation\":{\"type\":\"symmetricKey\"}}]}").send();

        assertThat(reply.json().path("isSuccessful").asBoolean()).as(reply.toString()).isFalse();
        assertThat(reply.json().at("/errors/0/enrollmentGroupId").asText()).isEqualTo("g-2");
        assertThat(reply.json().at("/errors/0/errorStatus").asText()).contains("credentialPolicyName");
        assertThat(fixture.store.findGroup("g-1").orElseThrow().credentialPolicyName()).isEqualTo("local");
        assertThat(fixture.store.findGroup("g-2")).isEmpty();
    }

    @Test
    void put_whenGroupUsesTpm_thenInvalid() {
        assertInvalid(put("/enrollmentGroups/g1",
                "{\"attestation\":{\"type\":\"tpm\",\"tpm\":{\"endorsementKey\":\"AAAA\"}}}"),
                "attestation.type");
    }

    // ---- If-Match ----

    @Test
    void ifMatch_whenTheCurrentEtagQuotedOrNot_thenReplaced() {
        String etag = put("/enrollments/dev-1", symmetricKey(KEY_1, KEY_2)).json().path("etag").asText();
        String unquoted = etag.replace("\"", "");
        String quoted = "\"" + unquoted + "\"";

        Reply first = put("/enrollments/dev-1", symmetricKey(KEY_1, KEY_2), quoted);
        assertThat(first.status()).as(first.toString()).isEqualTo(200);
        String next = first.json().path("etag").asText().replace("\"", "");
        Reply second = put("/enrollments/dev-1", symmetricKey(KEY_1, KEY_2), next);
        assertThat(second.status()).as(second.toString()).isEqualTo(200);
    }

    @Test
    void ifMatch_whenStar_thenReplacesAnExistingOneButCreatesNothing() {
        put("/enrollments/dev-1", symmetricKey(KEY_1, KEY_2));

        assertThat(put("/enrollments/dev-1", symmetricKey(KEY_1, KEY_2), "*").status()).isEqualTo(200);
        Reply missing = put("/enrollments/dev-2", symmetricKey(KEY_1, KEY_2), "*");
        assertThat(missing.status()).isEqualTo(412);
        assertThat(missing.errorCode()).isEqualTo(412001);
        assertThat(fixture.store.findEnrollment("dev-2")).isEmpty();
    }

    @Test
    void ifMatch_whenStale_thenPreconditionFailedAndNothingChanges() {
        String stale = put("/enrollments/dev-1", symmetricKey(KEY_1, KEY_2)).json().path("etag").asText();
        put("/enrollments/dev-1", "{\"deviceId\":\"second\",\"attestation\":{\"type\":\"symmetricKey\"}}", "*");

        Reply reply = put("/enrollments/dev-1", "{\"deviceId\":\"lost\",\"attestation\":{\"type\":\"symmetricKey\"}}",
                stale);
        Reply deleted = fixture.call("DELETE", "/enrollments/dev-1" + Q).header("If-Match", stale).send();

        assertThat(reply.status()).isEqualTo(412);
        assertThat(reply.errorCode()).isEqualTo(412001);
        assertThat(reply.header("x-ms-error-code")).isEqualTo("412001");
        assertThat(deleted.status()).isEqualTo(412);
        assertThat(fixture.store.findEnrollment("dev-1")).get()
                .satisfies(e -> assertThat(e.deviceId()).isEqualTo("second"));
    }

    // ---- create or replace: a replace must be asked for (issue 11 case 4) ----

    @Test
    void put_whenExistingAndNeitherIfMatchNorEtag_thenConflictTellingHowToReplace_andNothingChanges() {
        put("/enrollments/dev-1", "{\"deviceId\":\"kept\",\"allocationPolicy\":\"static\",\"iotHubs\":[\""
                + ServiceApiFixture.HUB_B + "\"]," + symmetricKeyAttestation(KEY_1, KEY_2) + "}");

        Reply minimal = put("/enrollments/dev-1",
                "{\"registrationId\":\"dev-1\",\"attestation\":{\"type\":\"symmetricKey\"}}");
        Reply blankIfMatch = put("/enrollments/dev-1", "{\"attestation\":{\"type\":\"symmetricKey\"}}", "");
        Reply group = put("/enrollmentGroups/g1", symmetricKey(KEY_1, KEY_2));
        Reply groupAgain = put("/enrollmentGroups/g1", "{\"attestation\":{\"type\":\"symmetricKey\"}}");

        for (Reply reply : List.of(minimal, blankIfMatch, groupAgain)) {
            assertThat(reply.status()).as(reply.toString()).isEqualTo(409);
            assertThat(reply.errorCode()).isEqualTo(409001);
            assertThat(reply.header("x-ms-error-code")).isEqualTo("409001");
            assertThat(reply.json().path("message").asText()).contains("already exists").contains("If-Match")
                    .contains("etag");
            assertThat(reply.body()).doesNotContain(KEY_1).doesNotContain(KEY_2);
        }
        assertThat(group.status()).isEqualTo(200);
        assertThat(fixture.store.findEnrollment("dev-1")).get().satisfies(e -> {
            assertThat(e.deviceId()).isEqualTo("kept");
            assertThat(e.iotHubs()).containsExactly(ServiceApiFixture.HUB_B);
        });
    }

    @Test
    void put_whenTheDocumentCarriesTheCurrentEtag_thenReplaced_andAStaleOneFails() {
        String etag = put("/enrollments/dev-1", symmetricKey(KEY_1, KEY_2)).json().path("etag").asText();

        Reply replaced = put("/enrollments/dev-1", "{\"etag\":" + jsonString(etag) + ",\"deviceId\":\"second\","
                + "\"attestation\":{\"type\":\"symmetricKey\"}}");
        Reply stale = put("/enrollments/dev-1", "{\"etag\":" + jsonString(etag) + ",\"deviceId\":\"lost\","
                + "\"attestation\":{\"type\":\"symmetricKey\"}}");

        assertThat(replaced.status()).as(replaced.toString()).isEqualTo(200);
        assertThat(stale.status()).isEqualTo(412);
        assertThat(stale.errorCode()).isEqualTo(412001);
        assertThat(fixture.store.findEnrollment("dev-1")).get()
                .satisfies(e -> assertThat(e.deviceId()).isEqualTo("second"));
    }

    @Test
    void put_whenIfMatchStar_thenTheDocumentReplacesEveryField() {
        put("/enrollments/dev-1", "{\"deviceId\":\"gone\",\"initialTwin\":{\"tags\":{\"a\":1}},"
                + symmetricKeyAttestation(KEY_1, KEY_2) + "}");

        Reply replaced = put("/enrollments/dev-1", "{\"attestation\":{\"type\":\"symmetricKey\"}}", "*");

        assertThat(replaced.status()).isEqualTo(200);
        assertThat(fixture.store.findEnrollment("dev-1")).get().satisfies(e -> {
            assertThat(e.deviceId()).isNull();
            assertThat(e.initialTwin()).isNull();
            assertThat(e.attestation().symmetricKey().primaryKey()).as("omitted keys are kept").isEqualTo(KEY_1);
        });
    }

    // ---- keys only to readers (issue 11 case 4) ----

    @ParameterizedTest
    @ValueSource(strings = {"/enrollments/dev-a", "/enrollmentGroups/group-a"})
    void put_byAPolicyWithoutEnrollmentRead_whenCreating_thenGeneratedKeysAreStoredButNotReturned(String path) {
        Reply created = fixture.call("PUT", path + Q).as(ServiceApiFixture.WRITER, ServiceApiFixture.WRITER_KEY)
                .body("{\"attestation\":{\"type\":\"symmetricKey\"}}").send();

        assertThat(created.status()).as(created.toString()).isEqualTo(200);
        assertThat(created.json().at("/attestation/type").asText()).isEqualTo("symmetricKey");
        assertThat(created.json().at("/attestation/symmetricKey/primaryKey").isMissingNode()).isTrue();
        assertThat(created.json().at("/attestation/symmetricKey/secondaryKey").isMissingNode()).isTrue();
        assertThat(created.json().path("etag").asText()).isNotBlank();
        Reply mechanism = fixture.call("POST", path + "/attestationmechanism" + Q).body("{}").send();
        String stored = mechanism.json().at("/symmetricKey/primaryKey").asText();
        assertThat(Base64.getDecoder().decode(stored)).hasSize(64);
        assertThat(created.body()).doesNotContain(stored);
    }

    /** The reproduction of issue 11 case 4: a writer's minimal PUT answered with the stored key. */
    @ParameterizedTest
    @ValueSource(strings = {"/enrollments/dev-a", "/enrollmentGroups/group-a"})
    void put_byAPolicyWithoutEnrollmentRead_whenReplacing_thenTheStoredKeysAreNotReturned(String path) {
        put(path, symmetricKey(KEY_1, KEY_2));

        Reply replaced = fixture.call("PUT", path + Q).as(ServiceApiFixture.WRITER, ServiceApiFixture.WRITER_KEY)
                .header("If-Match", "*").body("{\"attestation\":{\"type\":\"symmetricKey\"}}").send();
        Reply withoutIfMatch = fixture.call("PUT", path + Q)
                .as(ServiceApiFixture.WRITER, ServiceApiFixture.WRITER_KEY)
                .body("{\"attestation\":{\"type\":\"symmetricKey\"}}").send();

        assertThat(replaced.status()).as(replaced.toString()).isEqualTo(200);
        assertThat(replaced.body()).doesNotContain(KEY_1).doesNotContain(KEY_2);
        assertThat(withoutIfMatch.status()).isEqualTo(409);
        assertThat(withoutIfMatch.body()).doesNotContain(KEY_1).doesNotContain(KEY_2);
    }

    @Test
    void put_byAPolicyWithEnrollmentRead_thenTheWrittenKeysAreReturned() {
        Reply created = put("/enrollments/dev-a", "{\"attestation\":{\"type\":\"symmetricKey\"}}");
        Reply replaced = put("/enrollments/dev-a", "{\"attestation\":{\"type\":\"symmetricKey\"}}", "*");

        String generated = created.json().at("/attestation/symmetricKey/primaryKey").asText();
        assertThat(Base64.getDecoder().decode(generated)).hasSize(64);
        assertThat(replaced.json().at("/attestation/symmetricKey/primaryKey").asText()).isEqualTo(generated);
    }

    // ---- GET, attestationmechanism, DELETE ----

    @Test
    void get_whenSymmetricKey_thenKeysHidden_andAttestationMechanismShowsThem() {
        put("/enrollments/dev-1", symmetricKey(KEY_1, KEY_2));

        Reply got = fixture.call("GET", "/enrollments/dev-1" + Q).send();
        Reply mechanism = fixture.call("POST", "/enrollments/dev-1/attestationmechanism" + Q).body("{}").send();

        assertThat(got.status()).isEqualTo(200);
        assertThat(got.json().at("/attestation/type").asText()).isEqualTo("symmetricKey");
        assertThat(got.json().at("/attestation/symmetricKey").isObject()).isTrue();
        assertThat(got.body()).doesNotContain(KEY_1).doesNotContain(KEY_2);
        assertThat(mechanism.status()).isEqualTo(200);
        assertThat(mechanism.json().path("type").asText()).isEqualTo("symmetricKey");
        assertThat(mechanism.json().at("/symmetricKey/primaryKey").asText()).isEqualTo(KEY_1);
        assertThat(mechanism.json().at("/symmetricKey/secondaryKey").asText()).isEqualTo(KEY_2);
    }

    @Test
    void get_whenTheDeviceRegistered_thenRegistrationStateEmbedded_butNotInQueryResults() {
        put("/enrollments/dev-1", symmetricKey(KEY_1, KEY_2));
        JsonNode before = fixture.call("GET", "/enrollments/dev-1" + Q).send().json();
        fixture.store.putRegistration(new RegistrationRecord("dev-1", null, AttestationType.SYMMETRIC_KEY, "dev-1",
                ServiceApiFixture.HUB_A, RegistrationStatus.ASSIGNED, RegistrationSubstatus.INITIAL_ASSIGNMENT, null,
                null, null, null, null, null, null, null, null, null));

        JsonNode after = fixture.call("GET", "/enrollments/dev-1" + Q).send().json();
        JsonNode queried = fixture.call("POST", "/enrollments/query" + Q).send().json();

        assertThat(before.has("registrationState")).isFalse();
        assertThat(after.at("/registrationState/registrationId").asText()).isEqualTo("dev-1");
        assertThat(after.at("/registrationState/status").asText()).isEqualTo("assigned");
        assertThat(after.at("/registrationState/assignedHub").asText()).isEqualTo(ServiceApiFixture.HUB_A);
        assertThat(after.toString()).doesNotContain(KEY_1);
        assertThat(queried.get(0).has("registrationState")).isFalse();
    }

    @Test
    void get_whenIdInAnotherCase_thenFound() {
        put("/enrollments/Dev-1", symmetricKey(KEY_1, KEY_2));

        Reply got = fixture.call("GET", "/enrollments/DEV-1" + Q).send();

        assertThat(got.status()).isEqualTo(200);
        assertThat(got.json().path("registrationId").asText()).isEqualTo("Dev-1");
    }

    @Test
    void get_whenUnknown_thenNotFound() {
        for (String path : List.of("/enrollments/nobody", "/enrollmentGroups/nobody")) {
            Reply reply = fixture.call("GET", path + Q).send();
            assertThat(reply.status()).as(path).isEqualTo(404);
            assertThat(reply.errorCode()).as(path).isEqualTo(404202);
            assertThat(reply.json().path("message").asText()).contains("nobody");
        }
        assertThat(fixture.call("POST", "/enrollments/nobody/attestationmechanism" + Q).body("{}").send().status())
                .isEqualTo(404);
    }

    @Test
    void delete_whenExisting_then204ThenNotFound() {
        put("/enrollments/dev-1", symmetricKey(KEY_1, KEY_2));

        Reply first = fixture.call("DELETE", "/enrollments/dev-1" + Q).send();
        Reply second = fixture.call("DELETE", "/enrollments/dev-1" + Q).send();

        assertThat(first.status()).isEqualTo(204);
        assertThat(first.body()).isEmpty();
        assertThat(second.status()).isEqualTo(404);
        assertThat(second.errorCode()).isEqualTo(404202);
    }

    @Test
    void delete_whenCurrentEtagGiven_then204() {
        String etag = put("/enrollmentGroups/g1", symmetricKey(KEY_1, KEY_2)).json().path("etag").asText();

        assertThat(fixture.call("DELETE", "/enrollmentGroups/g1" + Q).header("If-Match", etag).send().status())
                .isEqualTo(204);
        assertThat(fixture.store.findGroup("g1")).isEmpty();
    }

    // ---- groups ----

    @Test
    void group_whenPutWithoutKeys_thenGeneratedAndHiddenOnGet() {
        Reply created = put("/enrollmentGroups/group-1", "{\"attestation\":{\"type\":\"symmetricKey\"}}");
        String primary = created.json().at("/attestation/symmetricKey/primaryKey").asText();

        Reply got = fixture.call("GET", "/enrollmentGroups/group-1" + Q).send();
        Reply mechanism = fixture.call("POST", "/enrollmentGroups/group-1/attestationmechanism" + Q).body("{}").send();

        assertThat(created.status()).isEqualTo(200);
        assertThat(created.json().path("enrollmentGroupId").asText()).isEqualTo("group-1");
        assertThat(Base64.getDecoder().decode(primary)).hasSize(64);
        assertThat(got.body()).doesNotContain(primary);
        assertThat(mechanism.json().at("/symmetricKey/primaryKey").asText()).isEqualTo(primary);
    }

    // ---- query ----

    @Test
    void query_whenMoreThanOnePage_thenPagesChainAndTheLastHasNoContinuation() {
        for (int i = 0; i < 5; i++) {
            put("/enrollments/dev-" + i, symmetricKey(KEY_1, KEY_2));
        }

        List<Reply> pages = queryAll("/enrollments/query", "{\"query\":\"select * from enrollments\"}", "2");

        assertThat(pages).hasSize(3);
        assertThat(pages).allSatisfy(p -> {
            assertThat(p.status()).isEqualTo(200);
            assertThat(p.header("x-ms-item-type")).isEqualTo("enrollment");
            assertThat(p.header("x-ms-max-item-count")).isEqualTo("2");
            assertThat(p.body()).doesNotContain(KEY_1);
        });
        assertThat(pages.get(0).header("x-ms-continuation")).isNotBlank();
        assertThat(pages.get(1).header("x-ms-continuation")).isNotBlank();
        assertThat(pages.get(2).headers().contains("x-ms-continuation")).isFalse();
        assertThat(ids(pages, "registrationId")).containsExactly("dev-0", "dev-1", "dev-2", "dev-3", "dev-4");
    }

    @Test
    void query_whenItemsFillTheLastPageExactly_thenNoEmptyExtraPage() {
        for (int i = 0; i < 4; i++) {
            put("/enrollments/dev-" + i, symmetricKey(KEY_1, KEY_2));
        }

        List<Reply> pages = queryAll("/enrollments/query", "{\"query\":\"SELECT * FROM enrollments\"}", "2");

        assertThat(pages).hasSize(2);
        assertThat(pages.get(1).headers().contains("x-ms-continuation")).isFalse();
        assertThat(ids(pages, "registrationId")).containsExactly("dev-0", "dev-1", "dev-2", "dev-3");
    }

    @Test
    void query_whenEmpty_thenOneEmptyPageWithItemTypeAndNoContinuation() {
        Reply reply = fixture.call("POST", "/enrollmentGroups/query" + Q)
                .body("{\"query\":\"select * from enrollmentGroups\"}").send();

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.json().isArray()).isTrue();
        assertThat(reply.json()).isEmpty();
        assertThat(reply.header("x-ms-item-type")).isEqualTo("enrollmentGroup");
        assertThat(reply.headers().contains("x-ms-continuation")).isFalse();
    }

    @Test
    void query_whenNoBodyOrNoPageSize_thenEverythingUpToTheConfiguredMaximum() {
        for (int i = 0; i < 3; i++) {
            put("/enrollmentGroups/g-" + i, symmetricKey(KEY_1, KEY_2));
        }

        Reply reply = fixture.call("POST", "/enrollmentGroups/query" + Q).send();

        assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
        assertThat(reply.json()).hasSize(3);
        assertThat(reply.header("x-ms-max-item-count")).isEqualTo("100");
        assertThat(reply.headers().contains("x-ms-continuation")).isFalse();
    }

    @Test
    void query_whenWhereFilters_thenPagesAreFullAndChainOverSkippedItems() {
        for (int i = 0; i < 10; i++) {
            String status = i % 2 == 0 ? "enabled" : "disabled";
            put("/enrollments/dev-" + i, "{\"provisioningStatus\":\"" + status + "\","
                    + "\"attestation\":{\"type\":\"symmetricKey\"}}");
        }

        List<Reply> pages = queryAll("/enrollments/query",
                "{\"query\":\"SELECT * FROM enrollments WHERE provisioningStatus = 'disabled'\"}", "2");

        assertThat(ids(pages, "registrationId")).containsExactly("dev-1", "dev-3", "dev-5", "dev-7", "dev-9");
        assertThat(pages.subList(0, pages.size() - 1)).allSatisfy(p -> assertThat(p.json()).hasSize(2));
        assertThat(pages.get(pages.size() - 1).headers().contains("x-ms-continuation")).isFalse();
    }

    @Test
    void query_whenNotUnderstood_thenBadRequest() {
        Reply unknownField = fixture.call("POST", "/enrollments/query" + Q)
                .body("{\"query\":\"SELECT * FROM enrollments WHERE iotHubs = 'x'\"}").send();
        Reply badSyntax = fixture.call("POST", "/enrollments/query" + Q)
                .body("{\"query\":\"SELECT id FROM x\"}").send();
        Reply badPageSize = fixture.call("POST", "/enrollments/query" + Q).header("x-ms-max-item-count", "ten")
                .body("{\"query\":\"SELECT * FROM enrollments\"}").send();
        Reply badContinuation = fixture.call("POST", "/enrollments/query" + Q).header("x-ms-continuation", "%%%")
                .body("{\"query\":\"SELECT * FROM enrollments\"}").send();

        for (Reply reply : List.of(unknownField, badSyntax, badPageSize, badContinuation)) {
            assertThat(reply.status()).as(reply.toString()).isEqualTo(400);
            assertThat(reply.errorCode()).isEqualTo(400001);
        }
        assertThat(unknownField.json().path("message").asText()).contains("iotHubs");
    }

    // ---- bulk ----

    @Test
    void bulkCreate_whenSomeItemsFail_thenOthersAreStoredAndEachFailureIsReported() {
        put("/enrollments/existing", symmetricKey(KEY_1, KEY_2));

        Reply reply = fixture.call("POST", "/enrollments" + Q).body("{\"mode\":\"create\",\"enrollments\":["
                + "{\"registrationId\":\"new-1\",\"attestation\":{\"type\":\"symmetricKey\",\"symmetricKey\":{}}},"
                + "{\"registrationId\":\"existing\",\"attestation\":{\"type\":\"symmetricKey\"}},"
                + "{\"registrationId\":\"short-key\",\"attestation\":{\"type\":\"symmetricKey\","
                + "\"symmetricKey\":{\"primaryKey\":\"AAAAAAAAAAA=\"}}},"
                + "{\"attestation\":{\"type\":\"symmetricKey\"}},"
                + "{\"registrationId\":\"new-2\",\"attestation\":{\"type\":\"symmetricKey\"}}]}").send();

        assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
        JsonNode result = reply.json();
        assertThat(result.path("isSuccessful").isBoolean()).isTrue();
        assertThat(result.path("isSuccessful").asBoolean()).isFalse();
        assertThat(result.path("errors")).hasSize(3);
        assertThat(result.path("errors").get(0).path("registrationId").asText()).isEqualTo("existing");
        assertThat(result.path("errors").get(0).path("errorCode").asInt()).isEqualTo(409001);
        assertThat(result.path("errors").get(0).path("errorStatus").asText()).contains("already exists");
        assertThat(result.path("errors").get(1).path("registrationId").asText()).isEqualTo("short-key");
        assertThat(result.path("errors").get(1).path("errorCode").asInt()).isEqualTo(400004);
        assertThat(result.path("errors").get(1).path("errorStatus").asText())
                .contains("attestation.symmetricKey.primaryKey");
        assertThat(result.path("errors").get(2).path("errorCode").asInt()).isEqualTo(400004);
        assertThat(result.path("errors").get(2).path("errorStatus").asText()).contains("registrationId");
        assertThat(fixture.store.findEnrollment("new-1")).isPresent();
        assertThat(fixture.store.findEnrollment("new-2")).isPresent();
        assertThat(fixture.store.findEnrollment("short-key")).isEmpty();
        assertThat(fixture.store.findEnrollment("existing")).get()
                .satisfies(e -> assertThat(e.attestation().symmetricKey().primaryKey()).isEqualTo(KEY_1));
    }

    @Test
    void bulk_whenAllSucceed_thenSuccessfulWithNoErrors() {
        Reply reply = fixture.call("POST", "/enrollmentGroups" + Q).body("{\"mode\":\"create\",\"enrollmentGroups\":["
                + "{\"enrollmentGroupId\":\"g-1\",\"attestation\":{\"type\":\"symmetricKey\"}},"
                + "{\"enrollmentGroupId\":\"g-2\",\"attestation\":{\"type\":\"symmetricKey\"}}]}").send();

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.json().path("isSuccessful").asBoolean()).isTrue();
        assertThat(reply.json().path("errors")).isEmpty();
        assertThat(fixture.store.findGroup("g-1")).isPresent();
        assertThat(fixture.store.findGroup("g-2")).isPresent();
    }

    @Test
    void bulkUpdateAndDelete_whenItemsExistOrNot_thenPerItemOutcome() {
        String etag = put("/enrollments/dev-1", symmetricKey(KEY_1, KEY_2)).json().path("etag").asText();

        Reply updated = fixture.call("POST", "/enrollments" + Q).body("{\"mode\":\"update\",\"enrollments\":["
                + "{\"registrationId\":\"dev-1\",\"deviceId\":\"renamed\",\"attestation\":{\"type\":\"symmetricKey\"}},"
                + "{\"registrationId\":\"dev-2\",\"attestation\":{\"type\":\"symmetricKey\"}}]}").send();
        Reply staleUpdate = fixture.call("POST", "/enrollments" + Q).body("{\"mode\":\"updateIfMatchETag\","
                + "\"enrollments\":[{\"registrationId\":\"dev-1\",\"etag\":" + jsonString(etag)
                + ",\"attestation\":{\"type\":\"symmetricKey\"}}]}").send();
        Reply deleted = fixture.call("POST", "/enrollments" + Q).body("{\"mode\":\"delete\",\"enrollments\":["
                + "{\"registrationId\":\"dev-2\",\"attestation\":{\"type\":\"symmetricKey\"}},"
                + "{\"registrationId\":\"nobody\",\"attestation\":{\"type\":\"symmetricKey\"}}]}").send();

        assertThat(updated.json().path("isSuccessful").asBoolean()).as(updated.toString()).isTrue();
        assertThat(fixture.store.findEnrollment("dev-1")).get()
                .satisfies(e -> assertThat(e.deviceId()).isEqualTo("renamed"))
                .satisfies(e -> assertThat(e.attestation().symmetricKey().primaryKey()).isEqualTo(KEY_1));
        assertThat(staleUpdate.json().path("isSuccessful").asBoolean()).isFalse();
        assertThat(staleUpdate.json().at("/errors/0/errorCode").asInt()).isEqualTo(412001);
        assertThat(deleted.json().path("isSuccessful").asBoolean()).isFalse();
        assertThat(deleted.json().at("/errors/0/registrationId").asText()).isEqualTo("nobody");
        assertThat(deleted.json().at("/errors/0/errorCode").asInt()).isEqualTo(404202);
        assertThat(fixture.store.findEnrollment("dev-2")).isEmpty();
    }

    @Test
    void bulkUpdateIfMatchETag_whenAnItemHasNoEtag_thenThatItemFailsAndIsNotWritten() {
        put("/enrollments/dev-1", "{\"deviceId\":\"kept\"," + symmetricKeyAttestation(KEY_1, KEY_2) + "}");

        Reply reply = fixture.call("POST", "/enrollments" + Q).body("{\"mode\":\"updateIfMatchETag\",\"enrollments\":["
                + "{\"registrationId\":\"dev-1\",\"deviceId\":\"lost\",\"attestation\":{\"type\":\"symmetricKey\"}}]}")
                .send();

        assertThat(reply.json().path("isSuccessful").asBoolean()).isFalse();
        assertThat(reply.json().at("/errors/0/errorCode").asInt()).isEqualTo(400004);
        assertThat(reply.json().at("/errors/0/errorStatus").asText()).contains("etag");
        assertThat(fixture.store.findEnrollment("dev-1")).get()
                .satisfies(e -> assertThat(e.deviceId()).isEqualTo("kept"));
    }

    @Test
    void bulk_whenModeUnknown_thenEveryItemFails() {
        Reply reply = fixture.call("POST", "/enrollments" + Q).body("{\"mode\":\"upsert\",\"enrollments\":["
                + "{\"registrationId\":\"dev-1\",\"attestation\":{\"type\":\"symmetricKey\"}}]}").send();

        assertThat(reply.json().path("isSuccessful").asBoolean()).isFalse();
        assertThat(reply.json().at("/errors/0/errorStatus").asText()).contains("mode");
        assertThat(fixture.store.findEnrollment("dev-1")).isEmpty();
    }

    @Test
    void bulk_whenOverTheLimit_thenRefusedAsAWholeAndNothingStored() {
        StringJoiner items = new StringJoiner(",");
        for (int i = 0; i < 11; i++) {
            items.add("{\"registrationId\":\"bulk-" + i + "\",\"attestation\":{\"type\":\"symmetricKey\"}}");
        }

        Reply reply = fixture.call("POST", "/enrollments" + Q)
                .body("{\"mode\":\"create\",\"enrollments\":[" + items + "]}").send();

        assertInvalid(reply, "at most 10");
        assertThat(fixture.store.listEnrollments(null, 100).items()).isEmpty();
    }

    @Test
    void bulk_whenTheListIsMissing_thenInvalid() {
        assertInvalid(fixture.call("POST", "/enrollments" + Q).body("{\"mode\":\"create\",\"enrollmentGroups\":[]}")
                .send(), "enrollments");
    }

    // ---- helpers ----

    private Reply put(String path, String body) {
        return put(path, body, null);
    }

    private Reply put(String path, String body, String ifMatch) {
        return fixture.call("PUT", path + Q).header("If-Match", ifMatch).body(body).send();
    }

    private static String symmetricKey(String primary, String secondary) {
        return "{" + symmetricKeyAttestation(primary, secondary) + "}";
    }

    private static String symmetricKeyAttestation(String primary, String secondary) {
        return "\"attestation\":{\"type\":\"symmetricKey\",\"symmetricKey\":{\"primaryKey\":\"" + primary
                + "\",\"secondaryKey\":\"" + secondary + "\"}}";
    }

    private List<Reply> queryAll(String path, String body, String pageSize) {
        List<Reply> pages = new ArrayList<>();
        String continuation = null;
        do {
            Reply page = fixture.call("POST", path + Q).header("x-ms-max-item-count", pageSize)
                    .header("x-ms-continuation", continuation).body(body).send();
            assertThat(page.status()).as(page.toString()).isEqualTo(200);
            pages.add(page);
            continuation = page.header("x-ms-continuation");
            assertThat(pages).as("pages").hasSizeLessThan(50);
        } while (continuation != null);
        return pages;
    }

    private static List<String> ids(List<Reply> pages, String field) {
        List<String> ids = new ArrayList<>();
        for (Reply page : pages) {
            page.json().forEach(item -> ids.add(item.path(field).asText()));
        }
        return ids;
    }

    private static void assertInvalid(Reply reply, String messagePart) {
        assertThat(reply.status()).as(reply.toString()).isEqualTo(400);
        assertThat(reply.errorCode()).isEqualTo(400004);
        assertThat(reply.header("x-ms-error-code")).isEqualTo("400004");
        assertThat(reply.json().path("message").asText()).contains(messagePart);
    }

    /** A JSON string literal: etags may themselves contain quotes. */
    private static String jsonString(String text) {
        return new String(DpsJson.write(text), StandardCharsets.UTF_8);
    }
}
