package io.dpsemu.server.cli.manage;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code dpsemu enrollment ...} against a real server whose query pages hold at most 3 items. */
class EnrollmentCommandTest {

    private static final int SERVER_PAGE_SIZE = 3;
    private static final SecureRandom RANDOM = new SecureRandom();

    @TempDir
    static Path dataDir;

    @TempDir
    Path files;

    private static ManageServer server;

    @BeforeAll
    static void startServer() {
        server = ManageServer.start(dataDir, Map.of("service.maxQueryPageSize", SERVER_PAGE_SIZE));
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    // --- add and show -----------------------------------------------------------------------

    @Test
    void add_withoutKeys_serverGeneratesThem_andShowKeysReturnsTheSame() {
        ManageCli.Result added = server.run("enrollment", "add", "gen-keys-01", "--json").assertSucceeded();
        JsonNode created = added.json();
        String primary = created.path("attestation").path("symmetricKey").path("primaryKey").asText();
        String secondary = created.path("attestation").path("symmetricKey").path("secondaryKey").asText();
        assertThat(Base64.getDecoder().decode(primary)).hasSize(64);
        assertThat(Base64.getDecoder().decode(secondary)).hasSize(64);

        ManageCli.Result shown = server.run("enrollment", "show", "gen-keys-01", "--show-keys").assertSucceeded();

        assertThat(shown.out()).contains("Registration ID:", "gen-keys-01", "symmetricKey")
                .contains("Primary key:", primary).contains("Secondary key:", secondary);
    }

    @Test
    void add_textOutput_printsTheGeneratedKeys() {
        ManageCli.Result added = server.run("enrollment", "add", "gen-keys-text").assertSucceeded();

        assertThat(added.out()).containsPattern("(?m)^Registration ID: +gen-keys-text$")
                .containsPattern("(?m)^Primary key: +\\S{88}$")
                .containsPattern("(?m)^Provisioning status: +enabled$");
    }

    @Test
    void show_withoutShowKeys_hidesKeys() {
        String key = newKey();
        server.run("enrollment", "add", "hidden-keys", "--key", key).assertSucceeded();

        ManageCli.Result shown = server.run("enrollment", "show", "hidden-keys").assertSucceeded();
        ManageCli.Result json = server.run("enrollment", "show", "hidden-keys", "--json").assertSucceeded();

        assertThat(shown.out()).doesNotContain(key).contains("--show-keys");
        assertThat(json.json().path("attestation").path("symmetricKey").path("primaryKey").isMissingNode()).isTrue();
        assertThat(json.json().path("registrationId").asText()).isEqualTo("hidden-keys");
    }

    @Test
    void add_withGivenKeys_storesThem() {
        String primary = newKey();
        String secondary = newKey();
        server.run("enrollment", "add", "given-keys-01", "--key", primary, "--secondary-key", secondary)
                .assertSucceeded();

        JsonNode shown = server.run("enrollment", "show", "given-keys-01", "--show-keys", "--json")
                .assertSucceeded().json();

        assertThat(shown.path("attestation").path("type").asText()).isEqualTo("symmetricKey");
        assertThat(shown.path("attestation").path("symmetricKey").path("primaryKey").asText()).isEqualTo(primary);
        assertThat(shown.path("attestation").path("symmetricKey").path("secondaryKey").asText()).isEqualTo(secondary);
    }

    @Test
    void add_withDocumentOptions_sendsThemAll() throws IOException {
        Path twin = Files.writeString(files.resolve("twin.json"),
                "{\"tags\":{\"site\":\"berlin\"},\"properties\":{\"desired\":{\"interval\":30}}}");

        JsonNode created = server.run("enrollment", "add", "options-01", "--device-id", "options-device",
                "--hub", ManageServer.HUB_A, "--hub", ManageServer.HUB_B, "--allocation-policy", "geoLatency",
                "--disabled", "--edge", "--initial-twin-file", twin.toString(),
                "--reprovision-policy", "reprovisionandresetdata", "--json").assertSucceeded().json();

        assertThat(created.path("deviceId").asText()).isEqualTo("options-device");
        assertThat(created.path("iotHubs")).extracting(JsonNode::asText)
                .containsExactly(ManageServer.HUB_A, ManageServer.HUB_B);
        assertThat(created.path("allocationPolicy").asText()).isEqualTo("geoLatency");
        assertThat(created.path("provisioningStatus").asText()).isEqualTo("disabled");
        assertThat(created.path("capabilities").path("iotEdge").asBoolean()).isTrue();
        assertThat(created.path("initialTwin").path("tags").path("site").asText()).isEqualTo("berlin");
        assertThat(created.path("reprovisionPolicy").path("updateHubAssignment").asBoolean()).isTrue();
        assertThat(created.path("reprovisionPolicy").path("migrateDeviceData").asBoolean()).isFalse();
    }

    @Test
    void add_withOneHubAndNoPolicy_usesStatic() {
        JsonNode created = server.run("enrollment", "add", "one-hub", "--hub", ManageServer.HUB_B, "--json")
                .assertSucceeded().json();

        assertThat(created.path("allocationPolicy").asText()).isEqualTo("static");
        assertThat(created.path("iotHubs")).extracting(JsonNode::asText).containsExactly(ManageServer.HUB_B);
    }

    @Test
    void add_withX509Certificate_sendsTheDeviceCertificate() {
        Path ca = files.resolve("ca.pem");
        Path device = files.resolve("x509-device.pem");
        ManageCli.run("cert", "ca", "--out-cert", ca.toString(), "--out-key", files.resolve("ca-key.pem").toString())
                .assertSucceeded();
        ManageCli.run("cert", "device", "--cn", "x509-device", "--ca", ca.toString(), "--ca-key",
                files.resolve("ca-key.pem").toString(), "--out-cert", device.toString(), "--out-key",
                files.resolve("x509-device-key.pem").toString()).assertSucceeded();

        server.run("enrollment", "add", "x509-device", "--x509-cert", device.toString()).assertSucceeded();
        JsonNode shown = server.run("enrollment", "show", "x509-device", "--json").assertSucceeded().json();
        ManageCli.Result text = server.run("enrollment", "show", "x509-device").assertSucceeded();

        JsonNode primary = shown.path("attestation").path("x509").path("clientCertificates").path("primary");
        assertThat(shown.path("attestation").path("type").asText()).isEqualTo("x509");
        assertThat(primary.path("info").path("subjectName").asText()).contains("x509-device");
        assertThat(text.out()).containsPattern("(?m)^Primary certificate: +.*x509-device.*SHA-256");

        JsonNode updated = server.run("enrollment", "update", "x509-device", "--disabled", "--json")
                .assertSucceeded().json();
        JsonNode kept = updated.path("attestation").path("x509").path("clientCertificates").path("primary");
        assertThat(updated.path("provisioningStatus").asText()).isEqualTo("disabled");
        assertThat(kept.path("info").path("sha256Thumbprint").asText())
                .isEqualTo(primary.path("info").path("sha256Thumbprint").asText());
    }

    @Test
    void add_fromYamlFile_sendsTheDocument() throws IOException {
        Path document = Files.writeString(files.resolve("doc.yaml"), String.join("\n",
                "registrationId: from-file-01",
                "attestation:",
                "  type: symmetricKey",
                "provisioningStatus: disabled",
                "capabilities:",
                "  iotEdge: true",
                ""));

        JsonNode created = server.run("enrollment", "add", "--file", document.toString(), "--json")
                .assertSucceeded().json();

        assertThat(created.path("registrationId").asText()).isEqualTo("from-file-01");
        assertThat(created.path("provisioningStatus").asText()).isEqualTo("disabled");
        assertThat(created.path("capabilities").path("iotEdge").asBoolean()).isTrue();
        assertThat(created.path("attestation").path("symmetricKey").path("primaryKey").asText()).isNotEmpty();
    }

    @Test
    void add_whenTheIdExists_failsWithoutReplacingIt() {
        String key = newKey();
        server.run("enrollment", "add", "exists-01", "--key", key).assertSucceeded();

        server.run("enrollment", "add", "exists-01").assertFailed("already exists", "enrollment update");

        JsonNode shown = server.run("enrollment", "show", "exists-01", "--show-keys", "--json").json();
        assertThat(shown.path("attestation").path("symmetricKey").path("primaryKey").asText()).isEqualTo(key);
    }

    @Test
    void add_whenServerRejectsTheDocument_printsItsMessageAndErrorCode() {
        server.run("enrollment", "add", "unlinked-hub", "--hub", "not-linked.example.net")
                .assertFailed("not-linked.example.net", "is not a linked IoT hub", "errorCode 400004");
    }

    @Test
    void credentialPolicy_isShownByShowAndList_andAnEmptyNameOnUpdateRemovesIt() {
        JsonNode created = server.run("enrollment", "add", "csr-device", "--credential-policy", "local",
                "--json").assertSucceeded().json();
        ManageCli.Result shown = server.run("enrollment", "show", "csr-device").assertSucceeded();
        List<String> listed = server.run("enrollment", "list").assertSucceeded().out().lines().toList();

        server.run("enrollment", "update", "csr-device", "--credential-policy", "").assertSucceeded();
        JsonNode cleared = server.run("enrollment", "show", "csr-device", "--json").assertSucceeded().json();
        ManageCli.Result clearedText = server.run("enrollment", "show", "csr-device").assertSucceeded();

        assertThat(created.path("credentialPolicyName").asText()).isEqualTo("local");
        assertThat(shown.out()).containsPattern("(?m)^Credential policy: +local$");
        assertThat(listed.get(0)).contains("CREDENTIAL POLICY");
        assertThat(listed).anySatisfy(line -> assertThat(line).startsWith("csr-device ").contains(" local "));
        assertThat(cleared.has("credentialPolicyName")).as(cleared.toString()).isFalse();
        assertThat(clearedText.out()).containsPattern("(?m)^Credential policy: +\\(server default\\)$");
    }

    @Test
    void add_whenTheCredentialPolicyNameIsMalformed_printsTheServersMessage() {
        server.run("enrollment", "add", "bad-policy-name", "--credential-policy", "plant ca")
                .assertFailed("credentialPolicyName: 'plant ca'", "errorCode 400004");
    }

    // --- bad input --------------------------------------------------------------------------

    @Test
    void add_withKeyThatIsNotBase64_isBadInput() {
        server.run("enrollment", "add", "bad-key", "--key", "not base64!").assertBadInput("--key");
    }

    @Test
    void add_withKeyAndCertificate_isBadInput() {
        server.run("enrollment", "add", "both", "--key", newKey(), "--x509-cert", "x.pem").assertBadInput("--key");
    }

    @Test
    void add_withStaticPolicyAndTwoHubs_isBadInput() {
        server.run("enrollment", "add", "static-two", "--allocation-policy", "static", "--hub", ManageServer.HUB_A,
                "--hub", ManageServer.HUB_B).assertBadInput("--hub");
    }

    @Test
    void add_withUnknownReprovisionPolicy_isBadInput() {
        server.run("enrollment", "add", "reprovision", "--reprovision-policy", "sometimes")
                .assertBadInput("--reprovision-policy");
    }

    @Test
    void add_withMissingCertificateFile_isBadInput() {
        server.run("enrollment", "add", "no-cert", "--x509-cert", files.resolve("missing.pem").toString())
                .assertBadInput("--x509-cert");
    }

    @Test
    void show_withoutId_isBadInput() {
        server.run("enrollment", "show").assertBadInput("ID");
    }

    @Test
    void list_withUnknownOption_isBadInput() {
        server.run("enrollment", "list", "--colour").assertBadInput("--colour");
    }

    @Test
    void list_withTopZero_isBadInput() {
        server.run("enrollment", "list", "--top", "0").assertBadInput("--top");
    }

    // --- list -------------------------------------------------------------------------------

    @Test
    void list_followsContinuationsAcrossServerPages_andHonoursTopAndPageSize() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            ids.add("paging-" + i);
            server.run("enrollment", "add", "paging-" + i).assertSucceeded();
        }

        JsonNode all = server.run("enrollment", "list", "--json").assertSucceeded().json();
        JsonNode smallPages = server.run("enrollment", "list", "--page-size", "2", "--json").assertSucceeded().json();
        JsonNode top = server.run("enrollment", "list", "--top", "5", "--page-size", "2", "--json")
                .assertSucceeded().json();
        JsonNode topAbovePage = server.run("enrollment", "list", "--top", "5", "--json").assertSucceeded().json();

        assertThat(all.size()).isGreaterThan(SERVER_PAGE_SIZE);
        assertThat(ids(all)).containsAll(ids);
        assertThat(ids(smallPages)).containsExactlyElementsOf(ids(all));
        assertThat(ids(top)).containsExactlyElementsOf(ids(all).subList(0, 5));
        assertThat(ids(topAbovePage)).containsExactlyElementsOf(ids(all).subList(0, 5));
        assertThat(all.get(0).has("etag")).isTrue();
    }

    @Test
    void list_textOutput_isATableWithOneRowPerEnrollment() {
        server.run("enrollment", "add", "table-row", "--hub", ManageServer.HUB_A).assertSucceeded();

        ManageCli.Result listed = server.run("enrollment", "list").assertSucceeded();

        List<String> lines = listed.out().lines().toList();
        assertThat(lines.get(0)).startsWith("REGISTRATION ID").contains("STATUS", "ATTESTATION", "HUBS", "ETAG");
        assertThat(lines).anySatisfy(line -> assertThat(line).startsWith("table-row ")
                .contains("enabled", "symmetricKey", "static", ManageServer.HUB_A));
        assertThat(lines).allSatisfy(line -> assertThat(line).doesNotEndWith(" "));
    }

    @Test
    void list_where_filtersOnTheServer() {
        server.run("enrollment", "add", "where-disabled", "--disabled").assertSucceeded();
        server.run("enrollment", "add", "where-enabled").assertSucceeded();

        JsonNode disabled = server.run("enrollment", "list", "--where", "provisioningStatus = 'disabled'",
                "--page-size", "1", "--json").assertSucceeded().json();
        JsonNode byId = server.run("enrollment", "list", "--where", "WHERE registrationId = 'where-enabled'",
                "--json").assertSucceeded().json();

        assertThat(ids(disabled)).contains("where-disabled").doesNotContain("where-enabled");
        assertThat(disabled).allSatisfy(e -> assertThat(e.path("provisioningStatus").asText()).isEqualTo("disabled"));
        assertThat(ids(byId)).containsExactly("where-enabled");
    }

    // --- update -----------------------------------------------------------------------------

    @Test
    void update_changesStatusAndKeepsKeys() {
        String primary = newKey();
        String secondary = newKey();
        server.run("enrollment", "add", "update-01", "--key", primary, "--secondary-key", secondary,
                "--hub", ManageServer.HUB_A, "--edge").assertSucceeded();

        ManageCli.Result updated = server.run("enrollment", "update", "update-01", "--disabled").assertSucceeded();
        JsonNode shown = server.run("enrollment", "show", "update-01", "--show-keys", "--json").json();

        assertThat(updated.out()).containsPattern("(?m)^Provisioning status: +disabled$").doesNotContain(primary);
        assertThat(shown.path("provisioningStatus").asText()).isEqualTo("disabled");
        assertThat(shown.path("attestation").path("symmetricKey").path("primaryKey").asText()).isEqualTo(primary);
        assertThat(shown.path("attestation").path("symmetricKey").path("secondaryKey").asText()).isEqualTo(secondary);
        assertThat(shown.path("iotHubs")).extracting(JsonNode::asText).containsExactly(ManageServer.HUB_A);
        assertThat(shown.path("capabilities").path("iotEdge").asBoolean()).isTrue();

        server.run("enrollment", "update", "update-01", "--enabled", "--edge=false").assertSucceeded();
        JsonNode enabled = server.run("enrollment", "show", "update-01", "--json").json();
        assertThat(enabled.path("provisioningStatus").asText()).isEqualTo("enabled");
        assertThat(enabled.path("capabilities").path("iotEdge").asBoolean()).isFalse();
    }

    @Test
    void update_secondaryKeyOnly_keepsThePrimary() {
        String primary = newKey();
        String newSecondary = newKey();
        server.run("enrollment", "add", "rotate-01", "--key", primary).assertSucceeded();

        JsonNode updated = server.run("enrollment", "update", "rotate-01", "--secondary-key", newSecondary, "--json")
                .assertSucceeded().json();

        assertThat(updated.path("attestation").path("symmetricKey").path("primaryKey").asText()).isEqualTo(primary);
        assertThat(updated.path("attestation").path("symmetricKey").path("secondaryKey").asText())
                .isEqualTo(newSecondary);
    }

    @Test
    void update_hubsChangeThePolicyDefaultOnlyWhenNoneIsSet() {
        server.run("enrollment", "add", "hubs-01", "--hub", ManageServer.HUB_A, "--allocation-policy", "hashed")
                .assertSucceeded();

        JsonNode updated = server.run("enrollment", "update", "hubs-01", "--hub", ManageServer.HUB_A, "--hub",
                ManageServer.HUB_B, "--json").assertSucceeded().json();

        assertThat(updated.path("allocationPolicy").asText()).isEqualTo("hashed");
        assertThat(updated.path("iotHubs")).extracting(JsonNode::asText)
                .containsExactly(ManageServer.HUB_A, ManageServer.HUB_B);
    }

    @Test
    void update_withStaleEtag_failsClearlyAndChangesNothing() {
        String staleEtag = server.run("enrollment", "add", "stale-01", "--json").assertSucceeded().json()
                .path("etag").asText();
        server.run("enrollment", "update", "stale-01", "--edge").assertSucceeded();

        server.run("enrollment", "update", "stale-01", "--disabled", "--etag", staleEtag)
                .assertFailed("changed since its etag was read", "412", "show");

        JsonNode shown = server.run("enrollment", "show", "stale-01", "--json").json();
        assertThat(shown.path("provisioningStatus").asText()).isEqualTo("enabled");
    }

    @Test
    void update_fromAFileWithAnOldEtag_isRefused() throws IOException {
        JsonNode original = server.run("enrollment", "add", "file-etag-01", "--json").assertSucceeded().json();
        Path exported = files.resolve("exported.json");
        Files.writeString(exported, server.run("enrollment", "show", "file-etag-01", "--json").out()
                .replace("\"enabled\"", "\"disabled\""));
        server.run("enrollment", "update", "file-etag-01", "--edge").assertSucceeded();

        server.run("enrollment", "update", "file-etag-01", "--file", exported.toString())
                .assertFailed("changed since its etag was read");

        assertThat(original.path("etag").asText()).isNotEmpty();
    }

    @Test
    void update_fromAFile_keepsKeysWhenTheFileHasNone() throws IOException {
        String key = newKey();
        server.run("enrollment", "add", "file-update-01", "--key", key).assertSucceeded();
        Path exported = files.resolve("update.json");
        Files.writeString(exported, server.run("enrollment", "show", "file-update-01", "--json").out()
                .replace("\"enabled\"", "\"disabled\""));

        server.run("enrollment", "update", "--file", exported.toString()).assertSucceeded();

        JsonNode shown = server.run("enrollment", "show", "file-update-01", "--show-keys", "--json").json();
        assertThat(shown.path("provisioningStatus").asText()).isEqualTo("disabled");
        assertThat(shown.path("attestation").path("symmetricKey").path("primaryKey").asText()).isEqualTo(key);
    }

    @Test
    void update_withNothingToChange_isBadInput() {
        server.run("enrollment", "add", "nothing-01").assertSucceeded();

        server.run("enrollment", "update", "nothing-01").assertBadInput("nothing to change");
    }

    @Test
    void update_unknownId_failsWithTheNotFoundMessage() {
        server.run("enrollment", "update", "no-such-enrollment", "--disabled")
                .assertFailed("no-such-enrollment", "does not exist", "404");
    }

    // --- delete and not found ---------------------------------------------------------------

    @Test
    void delete_removesTheEnrollment() {
        server.run("enrollment", "add", "delete-01").assertSucceeded();

        ManageCli.Result deleted = server.run("enrollment", "delete", "delete-01").assertSucceeded();

        assertThat(deleted.out()).contains("Deleted", "delete-01");
        server.run("enrollment", "show", "delete-01").assertFailed("does not exist");
    }

    @Test
    void delete_withWrongEtag_isRefused() {
        server.run("enrollment", "add", "delete-etag-01").assertSucceeded();

        server.run("enrollment", "delete", "delete-etag-01", "--etag", "\"not-the-etag\"").assertFailed("412");

        server.run("enrollment", "show", "delete-etag-01").assertSucceeded();
    }

    @Test
    void show_unknownId_printsThe404MessageAndErrorCode() {
        server.run("enrollment", "show", "no-such-enrollment")
                .assertFailed("enrollment 'no-such-enrollment' does not exist", "errorCode 404");
    }

    @Test
    void delete_unknownId_printsThe404Message() {
        server.run("enrollment", "delete", "no-such-enrollment").assertFailed("does not exist", "errorCode 404");
    }

    private static List<String> ids(JsonNode items) {
        List<String> ids = new ArrayList<>();
        items.forEach(item -> ids.add(item.path("registrationId").asText()));
        return ids;
    }

    static String newKey() {
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }
}
