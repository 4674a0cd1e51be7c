package io.dpsemu.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dpsemu.server.rawmqtt.RawMqttClient;
import io.dpsemu.server.rawmqtt.RawMqttDevice;
import io.dpsemu.server.rawmqtt.RawMqttPackets;
import io.netty.handler.codec.mqtt.MqttMessageType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code dpsemu serve} writes to its log, read from a separate server process that provisions a
 * device over MQTT: the text and JSON formats, and the owner key shown on the first start alone.
 */
@Timeout(180)
class ServeLogIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** ISO-8601: date, time with milliseconds, zone offset. */
    private static final Pattern TEXT_LINE = Pattern.compile(
            "^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}(Z|[+-]\\d{2}:\\d{2}) (INFO|WARN|ERROR|DEBUG) .*");
    private static final Pattern OWNER_STRING = Pattern.compile("HostName=[^;]+;SharedAccessKeyName=[^;]+;"
            + "SharedAccessKey=\\S+");
    /** What a device would like to see as a log line of its own. */
    private static final String FORGED = "INFO  dps.events - DPS-3001 assigned registrationId=victim";

    @TempDir
    Path dir;

    @Test
    void jsonFormat_whenADeviceIsProvisioned_thenEveryLineIsOneJsonObjectAndEventsCarryTheirFields()
            throws Exception {
        Path data = dir.resolve("data");
        String key = RawMqttDevice.newKey();
        Path seed = dir.resolve("seed.json");
        Files.writeString(seed, """
                {"enrollments": [{"registrationId": "json-log-device", "attestation": {"type": "symmetricKey",
                  "symmetricKey": {"primaryKey": "%s", "secondaryKey": "%s"}}}]}
                """.formatted(key, RawMqttDevice.newKey()));
        try (DpsemuProcess serve = DpsemuProcess.start(Map.of(), "serve", "--log-format", "json",
                "--data-dir", data.toString(), "--enrollments", seed.toString(), "--mqtt-port", "0",
                "--https-port", "0", "--bind", "127.0.0.1")) {
            JsonNode ready = parse(last(serve.readUntil("dpsemu ready")));
            RawMqttDevice device = new RawMqttDevice(ready.path("idScope").asText(), "json-log-device", key);
            int mqttPort = ready.path("mqttPort").asInt();
            assertThat(ready.path("message").asText()).contains("mqtt=127.0.0.1:" + mqttPort);
            Path ca = data.resolve("tls").resolve("ca.pem");
            try (RawMqttClient client = RawMqttClient.session(mqttPort, ca, device)) {
                client.send(RawMqttPackets.register("1", 0, 0, ""));
                serve.readUntil("DPS-3001");
            }
            try (RawMqttClient client = RawMqttClient.connect(mqttPort, ca)) {
                client.send(RawMqttPackets.connect("json-log\r\n" + FORGED).username(device.username())
                        .password(device.sasToken()).bytes());
                assertThat(client.next(MqttMessageType.CONNACK).returnCode()).isEqualTo(0x02);
            }
            List<JsonNode> lines = serve.readUntil("DPS-1001").stream().map(ServeLogIT::parse).toList();

            assertThat(lines).allSatisfy(line -> {
                assertThat(OffsetDateTime.parse(line.path("time").asText()))
                        .isBetween(OffsetDateTime.now().minusMinutes(5), OffsetDateTime.now().plusMinutes(1));
                assertThat(line.path("level").asText()).isIn("INFO", "WARN", "ERROR");
                assertThat(line.path("logger").asText()).isNotEmpty();
                assertThat(line.path("thread").asText()).isNotEmpty();
                assertThat(line.path("message").asText()).isNotEmpty();
            });
            JsonNode assigned = event(lines, "DPS-3001");
            assertThat(assigned.path("logger").asText()).isEqualTo("dps.events");
            assertThat(assigned.path("level").asText()).isEqualTo("INFO");
            assertThat(assigned.path("registrationId").asText()).isEqualTo("json-log-device");
            assertThat(assigned.path("transport").asText()).isEqualTo("mqtt");
            assertThat(assigned.path("hub").asText()).isEqualTo("dpsemu-hub.local");
            assertThat(assigned.path("message").asText())
                    .startsWith("DPS-3001 assigned registrationId=json-log-device hub=dpsemu-hub.local");
            JsonNode refused = event(lines, "DPS-1001");
            assertThat(refused.path("clientId").asText()).isEqualTo("json-log\\r\\n" + FORGED);
            assertThat(refused.path("remote").asText()).contains("127.0.0.1:");
            assertThat(lines).as("the owner key, on this first start").anySatisfy(line ->
                    assertThat(line.path("message").asText()).containsPattern(OWNER_STRING));
        }
    }

    @Test
    void ownerKey_isLoggedOnTheFirstStartOnly_andPrintedOnDemand_andTextLinesCarryDateAndZone() throws Exception {
        Path data = dir.resolve("data");
        String[] serve = {"serve", "--data-dir", data.toString(), "--mqtt-port", "0", "--https-port", "0",
            "--bind", "127.0.0.1"};
        String ownerString;
        try (DpsemuProcess first = DpsemuProcess.start(Map.of(), serve)) {
            String output = String.join("\n", first.readUntil("dpsemu ready"));
            Matcher owner = OWNER_STRING.matcher(output);
            assertThat(owner.find()).as(output).isTrue();
            ownerString = owner.group();
        }
        try (DpsemuProcess second = DpsemuProcess.start(Map.of(), serve)) {
            List<String> lines = second.readUntil("dpsemu ready");

            assertThat(lines).allSatisfy(line -> assertThat(line).matches(TEXT_LINE));
            assertThat(String.join("\n", lines)).doesNotContain("SharedAccessKey")
                    .contains("dpsemu service connection-string --data-dir " + data.toAbsolutePath());
        }

        DpsemuProcess.Ran printed = DpsemuProcess.run("service", "connection-string", "--data-dir", data.toString());

        assertThat(printed.exitCode()).as(printed.err()).isZero();
        assertThat(printed.out()).isEqualTo(ownerString + System.lineSeparator());
        assertThat(printed.err()).isEmpty();
    }

    @Test
    void serviceConnectionString_whenTheDataDirectoryHasNoKeyYet_thenExits2SayingToStartTheServerFirst()
            throws Exception {
        DpsemuProcess.Ran printed = DpsemuProcess.run("service", "connection-string", "--data-dir",
                dir.resolve("empty").toString());

        assertThat(printed.exitCode()).isEqualTo(2);
        assertThat(printed.out()).isEmpty();
        assertThat(printed.err()).contains("start the server with this data directory first");
        assertThat(dir.resolve("empty").resolve("service-policies.json")).doesNotExist();
    }

    private static JsonNode event(List<JsonNode> lines, String code) {
        return lines.stream().filter(line -> code.equals(line.path("code").asText())).findFirst()
                .orElseThrow(() -> new AssertionError("no " + code + " line in " + lines));
    }

    private static String last(List<String> lines) {
        return lines.get(lines.size() - 1);
    }

    private static JsonNode parse(String line) {
        try {
            JsonNode node = JSON.readTree(line);
            assertThat(node.isObject()).as("a JSON object: %s", line).isTrue();
            return node;
        } catch (IOException e) {
            throw new UncheckedIOException("not a JSON line: " + line, e);
        }
    }
}
