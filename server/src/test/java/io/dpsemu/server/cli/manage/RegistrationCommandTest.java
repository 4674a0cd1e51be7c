package io.dpsemu.server.cli.manage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dpsemu.protocol.auth.DerivedKeys;
import io.dpsemu.store.IssuedCertificateRecord;
import io.dpsemu.store.Store;
import io.dpsemu.store.TestDocuments;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code dpsemu registration ...} after devices registered through the device REST API of a real server. */
class RegistrationCommandTest {

    @TempDir
    static Path dataDir;

    private static ManageServer server;

    @BeforeAll
    static void startServer() {
        server = ManageServer.start(dataDir, Map.of("service.maxQueryPageSize", 2));
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @Test
    void show_afterAnIndividualDeviceRegistered() {
        String key = EnrollmentCommandTest.newKey();
        server.run("enrollment", "add", "reg-show-01", "--key", key, "--hub", ManageServer.HUB_B).assertSucceeded();
        server.register("reg-show-01", key);

        ManageCli.Result shown = server.run("registration", "show", "reg-show-01").assertSucceeded();
        JsonNode json = server.run("registration", "show", "reg-show-01", "--json").assertSucceeded().json();

        assertThat(shown.out()).containsPattern("(?m)^Registration ID: +reg-show-01$")
                .containsPattern("(?m)^Status: +assigned$")
                .containsPattern("(?m)^Assigned hub: +hub-b.local$")
                .containsPattern("(?m)^Substatus: +initialAssignment$");
        assertThat(json.path("registrationId").asText()).isEqualTo("reg-show-01");
        assertThat(json.path("assignedHub").asText()).isEqualTo(ManageServer.HUB_B);
        assertThat(json.path("deviceId").asText()).isEqualTo("reg-show-01");
        assertThat(json.path("etag").asText()).isNotEmpty();
    }

    @Test
    void show_whenCertificatesWereIssued_printsSerialThumbprintExpiryAndPolicy_andTheSupersededOnes() {
        String key = EnrollmentCommandTest.newKey();
        server.run("enrollment", "add", "reg-cert-01", "--key", key).assertSucceeded();
        server.register("reg-cert-01", key);
        IssuedCertificateRecord current = TestDocuments.issuedCertificate("0B");
        Store store = server.store();
        store.putRegistration(store.findRegistration("reg-cert-01").orElseThrow()
                .withIssuedCertificate(TestDocuments.issuedCertificate("0A"), Instant.parse("2025-01-01T00:00:00Z"), 10)
                .withIssuedCertificate(current, Instant.parse("2025-02-01T00:00:00Z"), 10));

        ManageCli.Result shown = server.run("registration", "show", "reg-cert-01").assertSucceeded();
        JsonNode json = server.run("registration", "show", "reg-cert-01", "--json").assertSucceeded().json();
        ManageCli.Result enrollment = server.run("enrollment", "show", "reg-cert-01").assertSucceeded();

        assertThat(shown.out()).containsPattern("(?m)^Issued certificate: +serial 0B, SHA-256 "
                + current.sha256Thumbprint() + ", valid until 2024-04-03T05:06:07[.0-9]*Z, policy local$")
                .containsPattern("(?m)^Superseded certificate: +serial 0A, SHA-256 " + current.sha256Thumbprint()
                        + ", valid until 2024-04-03T05:06:07[.0-9]*Z, policy local, superseded 2025-02-01T00:00:00"
                        + "[.0-9]*Z$");
        assertThat(json.path("issuedCertificate").path("serialNumber").asText()).isEqualTo("0B");
        assertThat(json.path("issuedCertificate").has("certificate")).isFalse();
        assertThat(json.path("supersededCertificates")).hasSize(1);
        assertThat(enrollment.out()).containsPattern("(?m)^Registration: +assigned .*, certificate serial 0B"
                + " valid until 2024-04-03T05:06:07[.0-9]*Z$");
    }

    @Test
    void list_ofAGroup_andOfAll_followPages() {
        String groupKey = server.run("group", "add", "reg-group", "--json").assertSucceeded().json()
                .path("attestation").path("symmetricKey").path("primaryKey").asText();
        List<String> devices = List.of("reg-group-dev-1", "reg-group-dev-2", "reg-group-dev-3");
        for (String device : devices) {
            server.register(device, DerivedKeys.deviceKey(groupKey, device));
        }
        String key = EnrollmentCommandTest.newKey();
        server.run("enrollment", "add", "reg-individual", "--key", key).assertSucceeded();
        server.register("reg-individual", key);

        JsonNode ofGroup = server.run("registration", "list", "--group", "reg-group", "--json")
                .assertSucceeded().json();
        JsonNode all = server.run("registration", "list", "--json").assertSucceeded().json();
        JsonNode top = server.run("registration", "list", "--group", "reg-group", "--top", "2", "--json")
                .assertSucceeded().json();
        ManageCli.Result table = server.run("registration", "list", "--group", "reg-group").assertSucceeded();

        assertThat(ids(ofGroup)).containsExactlyInAnyOrderElementsOf(devices);
        assertThat(ids(all)).containsAll(devices).contains("reg-individual");
        assertThat(top).hasSize(2);
        assertThat(table.out().lines().findFirst().orElseThrow()).startsWith("REGISTRATION ID")
                .contains("STATUS", "HUB", "ETAG");
        assertThat(table.out()).containsPattern("(?m)^reg-group-dev-1 +reg-group-dev-1 +assigned ");
    }

    @Test
    void delete_removesTheRecord_andAStaleEtagIsRefused() {
        String key = EnrollmentCommandTest.newKey();
        server.run("enrollment", "add", "reg-delete-01", "--key", key).assertSucceeded();
        server.register("reg-delete-01", key);
        String etag = server.run("registration", "show", "reg-delete-01", "--json").json().path("etag").asText();

        server.run("registration", "delete", "reg-delete-01", "--etag", "\"stale\"").assertFailed("412");
        ManageCli.Result deleted = server.run("registration", "delete", "reg-delete-01", "--etag", etag)
                .assertSucceeded();

        assertThat(deleted.out()).contains("reg-delete-01");
        server.run("registration", "show", "reg-delete-01").assertFailed("does not exist", "errorCode 404");
        server.run("enrollment", "show", "reg-delete-01").assertSucceeded();
    }

    @Test
    void show_unknownId_printsThe404Message() {
        server.run("registration", "show", "never-registered").assertFailed("never-registered", "does not exist");
    }

    @Test
    void list_ofAGroupWithoutDevices_saysSo() {
        server.run("group", "add", "reg-empty-group").assertSucceeded();

        ManageCli.Result listed = server.run("registration", "list", "--group", "reg-empty-group").assertSucceeded();
        JsonNode json = server.run("registration", "list", "--group", "reg-empty-group", "--json").json();

        assertThat(listed.out()).contains("No registration records.");
        assertThat(json.isArray()).isTrue();
        assertThat(json).isEmpty();
    }

    @Test
    void listWatch_printsARegistrationThatHappensAfterItStarted_andStopsWhenInterrupted() throws Exception {
        String key = EnrollmentCommandTest.newKey();
        server.run("enrollment", "add", "reg-watch-01", "--key", key, "--hub", ManageServer.HUB_A).assertSucceeded();
        server.register("reg-watch-01", key);
        ManageCli.Running watch = ManageCli.start(server.cli("registration", "list", "--watch", "--interval",
                "100ms"));
        await().atMost(Duration.ofSeconds(10)).until(() -> watch.err().contains("watching"));
        assertThat(watch.out()).contains("REGISTRATION ID").containsPattern("(?m)^reg-watch-01 ");

        String groupKey = server.run("group", "add", "reg-watch-group", "--json").assertSucceeded().json()
                .path("attestation").path("symmetricKey").path("primaryKey").asText();
        server.register("reg-watch-02", DerivedKeys.deviceKey(groupKey, "reg-watch-02"));
        await().atMost(Duration.ofSeconds(10)).until(() -> watch.out().contains("new      reg-watch-02"));
        server.run("registration", "delete", "reg-watch-01").assertSucceeded();
        await().atMost(Duration.ofSeconds(10)).until(() -> watch.out().contains("deleted  reg-watch-01"));
        ManageCli.Result stopped = watch.stop();

        assertThat(stopped.exitCode()).as(stopped.toString()).isZero();
        assertThat(stopped.out()).containsPattern("(?m)^new      reg-watch-02  status=assigned"
                + "  substatus=initialAssignment  hub=hub-[ab]\\.local  deviceId=reg-watch-02  updated=\\S+$");
        assertThat(stopped.out().lines().filter(line -> line.contains("reg-watch-02"))).hasSize(1);
        assertThat(stopped.err()).contains("Ctrl-C stops", "stopped watching").doesNotContain("Exception");
    }

    @Test
    void listWatch_json_printsOneJsonObjectPerLine() throws Exception {
        ManageCli.Running watch = ManageCli.start(server.cli("registration", "list", "--watch", "--json",
                "--interval", "100ms"));
        await().atMost(Duration.ofSeconds(10)).until(() -> watch.err().contains("watching"));
        String key = EnrollmentCommandTest.newKey();
        server.run("enrollment", "add", "reg-watch-json", "--key", key).assertSucceeded();
        server.register("reg-watch-json", key);
        await().atMost(Duration.ofSeconds(10)).until(() -> watch.out().contains("reg-watch-json"));
        ManageCli.Result stopped = watch.stop();

        JsonNode line = new ObjectMapper().readTree(stopped.out().lines()
                .filter(l -> l.contains("reg-watch-json")).findFirst().orElseThrow());
        assertThat(line.path("change").asText()).isEqualTo("new");
        assertThat(line.path("registration").path("status").asText()).isEqualTo("assigned");
        assertThat(stopped.out().lines()).allSatisfy(l -> assertThat(new ObjectMapper().readTree(l).has("change"))
                .isTrue());
    }

    @Test
    void listWatch_withTopOrAnIntervalOutOfBounds_isBadInput() {
        server.run("registration", "list", "--watch", "--top", "3").assertBadInput("--top");
        server.run("registration", "list", "--watch", "--interval", "10ms").assertBadInput("--interval");
        server.run("registration", "list", "--interval", "1s").assertBadInput("--interval");
    }

    private static List<String> ids(JsonNode records) {
        List<String> ids = new ArrayList<>();
        records.forEach(r -> ids.add(r.path("registrationId").asText()));
        return ids;
    }
}
