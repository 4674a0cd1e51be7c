package io.dpsemu.server.cli.manage;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dpsemu.protocol.auth.DerivedKeys;
import java.nio.file.Path;
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

    private static List<String> ids(JsonNode records) {
        List<String> ids = new ArrayList<>();
        records.forEach(r -> ids.add(r.path("registrationId").asText()));
        return ids;
    }
}
