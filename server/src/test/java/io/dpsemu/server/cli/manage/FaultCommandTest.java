package io.dpsemu.server.cli.manage;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code dpsemu fault ...} against a real server. */
class FaultCommandTest {

    @TempDir
    static Path dataDir;

    private static ManageServer server;

    @BeforeAll
    static void startServer() {
        server = ManageServer.start(dataDir);
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @AfterEach
    void clear() {
        server.run("fault", "clear").assertSucceeded();
    }

    @Test
    void add_sendsEveryOption_andPrintsTheStoredRuleWithItsId() {
        JsonNode rule = server.run("fault", "add", "--registration-id", "dev-*", "--group", "sensors",
                "--transport", "mqtt,https", "--kind", "register", "--every", "3", "--max-hits", "5",
                "--expires-after", "2m", "--status", "429", "--retry-after", "5", "--error-code", "429002",
                "--message", "slow down", "--json").assertSucceeded().json();

        assertThat(rule.path("id").asText()).matches("f\\d+");
        assertThat(rule.path("registrationId").asText()).isEqualTo("dev-*");
        assertThat(rule.path("enrollmentGroupId").asText()).isEqualTo("sensors");
        assertThat(rule.path("transports")).extracting(JsonNode::asText).containsExactly("mqtt", "https");
        assertThat(rule.path("kinds")).extracting(JsonNode::asText).containsExactly("register");
        assertThat(rule.path("everyNth").asInt()).isEqualTo(3);
        assertThat(rule.path("maxHits").asInt()).isEqualTo(5);
        assertThat(rule.path("expiresAfterSeconds").asInt()).isEqualTo(120);
        assertThat(rule.path("status").asInt()).isEqualTo(429);
        assertThat(rule.path("errorCode").asInt()).isEqualTo(429002);
        assertThat(rule.path("retryAfterSeconds").asInt()).isEqualTo(5);
        assertThat(rule.path("message").asText()).isEqualTo("slow down");
    }

    @Test
    void add_otherActions_andTheTextView() {
        ManageCli.Result delay = server.run("fault", "add", "--delay", "1500ms", "--individual", "--probability",
                "0.5").assertSucceeded();
        JsonNode drop = server.run("fault", "add", "--drop", "--kind", "poll", "--json").assertSucceeded().json();
        JsonNode fail = server.run("fault", "add", "--fail-operation", "400207", "--json").assertSucceeded().json();

        assertThat(delay.out()).containsPattern("(?m)^ID: +f\\d+$")
                .containsPattern("(?m)^Match: +individual$")
                .containsPattern("(?m)^Trigger: +p=0.5$")
                .containsPattern("(?m)^Action: +delay 1500 ms$")
                .containsPattern("(?m)^Ends: +never$");
        assertThat(drop.path("drop").asBoolean()).isTrue();
        assertThat(fail.path("failOperation").asInt()).isEqualTo(400207);
        assertThat(fail.path("kinds")).extracting(JsonNode::asText).containsExactly("register");
    }

    @Test
    void list_showsRulesAsATable_orJson() {
        server.run("fault", "add", "--status", "503", "--transport", "mqttws", "--max-hits", "2").assertSucceeded();
        server.run("fault", "add", "--drop", "--registration-id", "x?").assertSucceeded();

        ManageCli.Result table = server.run("fault", "list").assertSucceeded();
        JsonNode json = server.run("fault", "list", "--json").assertSucceeded().json();

        assertThat(table.out().lines().findFirst().orElseThrow()).startsWith("ID").contains("MATCH", "TRIGGER",
                "ACTION", "HITS", "ENDS");
        assertThat(table.out()).containsPattern("(?m)^f\\d+ +mqttws +always +status 503 \\(503001, retry-after 3 s\\)"
                + " +0 +after 2 hits$");
        assertThat(table.out()).containsPattern("(?m)^f\\d+ +id x\\? +always +drop +0 +never$");
        assertThat(json).hasSize(2);
    }

    @Test
    void clear_removesNamedRules_orAll() {
        String first = server.run("fault", "add", "--drop", "--json").assertSucceeded().json().path("id").asText();
        String second = server.run("fault", "add", "--drop", "--json").assertSucceeded().json().path("id").asText();
        server.run("fault", "add", "--drop").assertSucceeded();

        assertThat(server.run("fault", "clear", first, second).assertSucceeded().out())
                .contains("Removed fault rule " + first + ".", "Removed fault rule " + second + ".");
        assertThat(server.run("fault", "list", "--json").assertSucceeded().json()).hasSize(1);
        server.run("fault", "clear", first).assertFailed(first, "404202");
        assertThat(server.run("fault", "clear").assertSucceeded().out()).contains("Removed every fault rule.");
        assertThat(server.run("fault", "list").assertSucceeded().out()).contains("No fault rules.");
    }

    @Test
    void add_badInput_isRefusedBeforeAnythingIsSent_namingTheOption() {
        server.run("fault", "add", "--status", "429", "--probability", "0.5", "--every", "2").assertBadInput("--every");
        server.run("fault", "add", "--status", "429", "--transport", "amqp").assertBadInput("--transport");
        server.run("fault", "add", "--probability", "0.5")
                .assertBadInput("--status, --delay, --drop or --fail-operation");
        server.run("fault", "add", "--drop", "--expires-after", "1500ms").assertBadInput("--expires-after");

        assertThat(server.run("fault", "list", "--json").assertSucceeded().json()).isEmpty();
    }
}
