package io.dpsemu.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dpsemu.protocol.enrollment.AllocationPolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

    @TempDir
    Path dir;

    private Path file(String name, String content) throws IOException {
        Path path = dir.resolve(name);
        Files.writeString(path, content);
        return path;
    }

    private static ServerConfig load(Path file, Map<String, String> env, Map<String, Object> flags) {
        return ConfigLoader.load(file, env, flags);
    }

    @Test
    void load_whenNoFileEnvOrFlags_thenDefaults() {
        assertThat(load(null, Map.of(), Map.of())).isEqualTo(ServerConfig.defaults());
    }

    @Test
    void load_whenFileIsEmpty_thenDefaults() throws IOException {
        assertThat(load(file("empty.yaml", ""), Map.of(), Map.of())).isEqualTo(ServerConfig.defaults());
        assertThat(load(file("comment.yaml", "# nothing here\n"), Map.of(), Map.of()))
                .isEqualTo(ServerConfig.defaults());
    }

    @Test
    void load_whenYamlFileSetsNestedKeys_thenOtherKeysKeepTheirDefaults() throws IOException {
        Path yaml = file("dpsemu.yaml", """
                dataDir: /var/lib/dpsemu
                idScope: 0ne00ABCDEF
                store: memory
                provisioning:
                  retryAfterSeconds: 7
                  detailedErrors: false
                limits:
                  maxConnections: 500
                tls:
                  extraNames: [dps.example.test, 192.0.2.10]
                linkedHubs:
                  - hostName: hub-a.example.test
                    allocationWeight: 3
                    applyAllocationPolicy: true
                  - hostName: hub-b.example.test
                    allocationWeight: 1
                    applyAllocationPolicy: false
                """);

        ServerConfig config = load(yaml, Map.of(), Map.of());

        ServerConfig defaults = ServerConfig.defaults();
        assertThat(config.dataDir()).isEqualTo("/var/lib/dpsemu");
        assertThat(config.idScope()).isEqualTo("0ne00ABCDEF");
        assertThat(config.store()).isEqualTo(ServerConfig.STORE_MEMORY);
        assertThat(config.provisioning().retryAfterSeconds()).isEqualTo(7);
        assertThat(config.provisioning().detailedErrors()).isFalse();
        assertThat(config.provisioning().minResponseDelayMillis())
                .isEqualTo(defaults.provisioning().minResponseDelayMillis());
        assertThat(config.provisioning().operationRetentionSeconds())
                .isEqualTo(defaults.provisioning().operationRetentionSeconds());
        assertThat(config.limits().maxConnections()).isEqualTo(500);
        assertThat(config.limits().storeThreads()).isEqualTo(defaults.limits().storeThreads());
        assertThat(config.tls().extraNames()).containsExactly("dps.example.test", "192.0.2.10");
        assertThat(config.tls().certFile()).isNull();
        assertThat(config.linkedHubs()).containsExactly(new LinkedHub("hub-a.example.test", 3, true),
                new LinkedHub("hub-b.example.test", 1, false));
        assertThat(config.bind()).isEqualTo(defaults.bind());
        assertThat(config.mqttPort()).isEqualTo(defaults.mqttPort());
    }

    @Test
    void load_whenSectionsAreEmpty_thenTheirDefaultsKept() throws IOException {
        Path yaml = file("sections.yaml", """
                provisioning:
                  # retryAfterSeconds: 5
                limits:
                tls:
                  extraNames:
                linkedHubs:
                """);

        assertThat(load(yaml, Map.of(), Map.of())).isEqualTo(ServerConfig.defaults());
    }

    @Test
    void load_whenEmptySectionAndEnvSetsKeyInIt_thenEnvApplies() throws IOException {
        Path yaml = file("sections.yaml", "provisioning:\n");

        ServerConfig config = load(yaml, Map.of("DPSEMU_PROVISIONING_RETRY_AFTER_SECONDS", "12"), Map.of());

        assertThat(config.provisioning().retryAfterSeconds()).isEqualTo(12);
    }

    @Test
    void load_whenLinkedHubsListIsEmpty_thenConfigExceptionNamesLinkedHubs() throws IOException {
        assertThatThrownBy(() -> load(file("hubs.yaml", "linkedHubs: []\n"), Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'linkedHubs'");
        assertThatThrownBy(() -> load(null, Map.of("DPSEMU_LINKED_HUBS", " , "), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'linkedHubs'");
    }

    @Test
    void load_whenLinkedHubEntryIsEmpty_thenConfigExceptionNamesEntry() throws IOException {
        Path yaml = file("hubs.yaml", """
                linkedHubs:
                  - hostName: hub-a.example.test
                  -
                """);

        assertThatThrownBy(() -> load(yaml, Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'linkedHubs[1]'");
    }

    @Test
    void load_whenScalarKeyIsEmpty_thenConfigExceptionNamesKey() throws IOException {
        assertThatThrownBy(() -> load(file("port.yaml", "mqttPort:\n"), Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'mqttPort'");
        assertThatThrownBy(() -> load(file("dir.yaml", "dataDir:\n"), Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'dataDir'");
    }

    @Test
    void load_whenFileIsJson_thenReadLikeYaml() throws IOException {
        Path json = file("dpsemu.json", """
                {"mqttPort": 18883, "provisioning": {"sasClockSkewSeconds": 0}}
                """);

        ServerConfig config = load(json, Map.of(), Map.of());

        assertThat(config.mqttPort()).isEqualTo(18883);
        assertThat(config.provisioning().sasClockSkewSeconds()).isZero();
        assertThat(config.provisioning().retryAfterSeconds())
                .isEqualTo(ServerConfig.defaults().provisioning().retryAfterSeconds());
    }

    @Test
    void load_whenLinkedHubInFileOmitsWeightAndFlag_thenHubDefaultsApply() throws IOException {
        Path yaml = file("hubs.yaml", """
                linkedHubs:
                  - hostName: hub-a.example.test
                  - hostName: hub-b.example.test
                    allocationWeight: 5
                """);

        ServerConfig config = load(yaml, Map.of(), Map.of());

        assertThat(config.linkedHubs()).containsExactly(LinkedHub.of("hub-a.example.test"),
                new LinkedHub("hub-b.example.test", 5, true));
    }

    @Test
    void load_whenLinkedHubInFileHasNoHostName_thenConfigExceptionNamesHostName() throws IOException {
        Path yaml = file("hubs.yaml", """
                linkedHubs:
                  - allocationWeight: 2
                """);

        assertThatThrownBy(() -> load(yaml, Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("linkedHubs[0].hostName");
    }

    @Test
    void load_whenEnvSetsNestedKey_thenEnvWinsOverFile() throws IOException {
        Path yaml = file("dpsemu.yaml", """
                provisioning:
                  retryAfterSeconds: 7
                  minResponseDelayMillis: 10
                """);

        ServerConfig config = load(yaml, Map.of("DPSEMU_PROVISIONING_RETRY_AFTER_SECONDS", "9",
                "DPSEMU_LIMITS_MAX_CONNECTIONS", "42", "DPSEMU_LIMITS_EVENT_LOOP_THREADS", "3",
                "DPSEMU_PROVISIONING_DETAILED_ERRORS", "false"), Map.of());

        assertThat(config.provisioning().retryAfterSeconds()).isEqualTo(9);
        assertThat(config.provisioning().minResponseDelayMillis()).isEqualTo(10);
        assertThat(config.provisioning().detailedErrors()).isFalse();
        assertThat(config.limits().maxConnections()).isEqualTo(42);
        assertThat(config.limits().eventLoopThreads()).isEqualTo(3);
    }

    @Test
    void load_whenEnvSetsKeysWhoseDefaultIsNull_thenValueApplies() {
        ServerConfig config = load(null, Map.of("DPSEMU_ID_SCOPE", "0ne0000FEED",
                "DPSEMU_ENROLLMENTS", "/etc/dpsemu/enrollments.yaml",
                "DPSEMU_DATA_DIR", "/data"), Map.of());

        assertThat(config.idScope()).isEqualTo("0ne0000FEED");
        assertThat(config.enrollments()).isEqualTo("/etc/dpsemu/enrollments.yaml");
        assertThat(config.dataDir()).isEqualTo("/data");
    }

    @Test
    void load_whenEnvListsLinkedHubs_thenHostAndWeightParsed() {
        ServerConfig config = load(null, Map.of("DPSEMU_LINKED_HUBS", "hub-a.example.test=3, hub-b.example.test,,"),
                Map.of());

        assertThat(config.linkedHubs()).containsExactly(new LinkedHub("hub-a.example.test", 3, true),
                new LinkedHub("hub-b.example.test", 1, true));
    }

    @Test
    void load_whenAllocationSectionInFileAndPolicyInEnv_thenBothApplyAndPolicyIsCaseInsensitive() throws IOException {
        Path yaml = file("dpsemu.yaml", """
                allocation:
                  policy: static
                  webhookTimeoutMillis: 2500
                  maxConcurrentWebhookCalls: 8
                """);

        ServerConfig fromFile = load(yaml, Map.of(), Map.of());
        ServerConfig fromEnv = load(yaml, Map.of("DPSEMU_ALLOCATION_POLICY", "GeoLatency"), Map.of());

        assertThat(fromFile.allocation()).isEqualTo(new AllocationConfig(AllocationPolicy.STATIC, 2500, 8,
                AllocationConfig.defaults().maxWebhookResponseBytes()));
        assertThat(fromEnv.allocation().policy()).isEqualTo(AllocationPolicy.GEO_LATENCY);
        assertThat(fromEnv.allocation().webhookTimeoutMillis()).isEqualTo(2500);
    }

    @Test
    void load_whenAllocationPolicyIsCustomOrUnknown_thenConfigExceptionNamesTheKey() {
        assertThatThrownBy(() -> load(null, Map.of("DPSEMU_ALLOCATION_POLICY", "custom"), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'allocation.policy' cannot be 'custom'");
        assertThatThrownBy(() -> load(null, Map.of("DPSEMU_ALLOCATION_POLICY", "roundRobin"), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("allocation.policy");
    }

    @Test
    void load_whenEnvListsStrings_thenSplitOnCommasAndTrimmed() {
        ServerConfig config = load(null, Map.of("DPSEMU_TLS_EXTRA_NAMES", "dps.example.test, 10.0.0.5 ,"), Map.of());

        assertThat(config.tls().extraNames()).containsExactly("dps.example.test", "10.0.0.5");
    }

    @Test
    void load_whenServiceHostAliasesAndTokenLifetimeGiven_thenApplied_andDefaultsAreNoAliasAndOneYear() {
        ServerConfig config = load(null, Map.of("DPSEMU_SERVICE_HOST_ALIASES", "localhost, dps.plant.example",
                "DPSEMU_SERVICE_MAX_TOKEN_LIFETIME_SECONDS", "3600"), Map.of());

        assertThat(config.service().hostAliases()).containsExactly("localhost", "dps.plant.example");
        assertThat(config.service().acceptedHostNames()).containsExactly("localhost", "localhost",
                "dps.plant.example");
        assertThat(config.service().maxTokenLifetimeSeconds()).isEqualTo(3600);
        assertThat(ServerConfig.defaults().service().hostAliases()).isEmpty();
        assertThat(ServerConfig.defaults().service().maxTokenLifetimeSeconds()).isEqualTo(365L * 24 * 3600);
    }

    @Test
    void load_whenServiceHostAliasOrTokenLifetimeIsInvalid_thenConfigExceptionNamesTheKey() {
        assertThatThrownBy(() -> load(null, Map.of("DPSEMU_SERVICE_HOST_ALIASES", "dps.example:443"), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("service.hostAliases[0]");
        assertThatThrownBy(() -> load(null, Map.of("DPSEMU_SERVICE_MAX_TOKEN_LIFETIME_SECONDS", "59"), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("service.maxTokenLifetimeSeconds");
        assertThatThrownBy(() -> load(null, Map.of("DPSEMU_SERVICE_MAX_TOKEN_LIFETIME_SECONDS", "999999999999"),
                Map.of())).isInstanceOf(ConfigException.class).hasMessageContaining("service.maxTokenLifetimeSeconds");
    }

    @Test
    void load_whenEnvVariableIsNotDpsemuConvention_thenIgnored() {
        ServerConfig config = load(null, Map.of("PROVISIONING_RETRY_AFTER_SECONDS", "9",
                "dpsemu_mqtt_port", "1"), Map.of());

        assertThat(config).isEqualTo(ServerConfig.defaults());
    }

    @Test
    void load_whenFlagEnvAndFileSetSameKey_thenFlagWins() throws IOException {
        Path yaml = file("dpsemu.yaml", """
                mqttPort: 1001
                provisioning:
                  retryAfterSeconds: 7
                  sasClockSkewSeconds: 60
                """);
        Map<String, String> env = Map.of("DPSEMU_MQTT_PORT", "1002",
                "DPSEMU_PROVISIONING_RETRY_AFTER_SECONDS", "8",
                "DPSEMU_PROVISIONING_SAS_CLOCK_SKEW_SECONDS", "30");
        Map<String, Object> flags = Map.of("mqttPort", 1003, "provisioning.retryAfterSeconds", 11);

        ServerConfig config = load(yaml, env, flags);

        assertThat(config.mqttPort()).isEqualTo(1003);
        assertThat(config.provisioning().retryAfterSeconds()).isEqualTo(11);
        assertThat(config.provisioning().sasClockSkewSeconds()).isEqualTo(30);
    }

    @Test
    void load_whenFlagsGiveLinkedHubsAndTlsFiles_thenTheyReplaceEnvAndFile() throws IOException {
        Path yaml = file("dpsemu.yaml", """
                linkedHubs:
                  - {hostName: file-hub.example.test, allocationWeight: 1, applyAllocationPolicy: true}
                """);

        ServerConfig config = load(yaml, Map.of("DPSEMU_LINKED_HUBS", "env-hub.example.test"),
                Map.of("linkedHubs", List.of(LinkedHubSpec.parse("flag-hub.example.test=2")),
                        "tls.certFile", "/etc/tls/server.pem", "tls.keyFile", "/etc/tls/server.key",
                        "tls.extraNames", List.of("a.example.test")));

        assertThat(config.linkedHubs()).containsExactly(new LinkedHub("flag-hub.example.test", 2, true));
        assertThat(config.tls()).isEqualTo(new TlsConfig("/etc/tls/server.pem", "/etc/tls/server.key",
                List.of("a.example.test")));
        assertThat(config.tls().userSupplied()).isTrue();
    }

    @Test
    void load_whenFileHasUnknownNestedKey_thenConfigExceptionNamesKeyPath() throws IOException {
        Path yaml = file("typo.yaml", """
                provisioning:
                  retryAfterSecs: 7
                """);

        assertThatThrownBy(() -> load(yaml, Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("provisioning.retryAfterSecs");
    }

    @Test
    void load_whenFileHasUnknownTopLevelKey_thenConfigExceptionNamesKey() throws IOException {
        Path yaml = file("typo.yaml", "mqtt_port: 8883\n");

        assertThatThrownBy(() -> load(yaml, Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("unknown key 'mqtt_port'");
    }

    @Test
    void load_whenLinkedHubInFileHasUnknownKey_thenConfigExceptionNamesIndexedPath() throws IOException {
        Path yaml = file("typo.yaml", """
                linkedHubs:
                  - hostName: hub-a.example.test
                    weight: 2
                """);

        assertThatThrownBy(() -> load(yaml, Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("linkedHubs[0].weight");
    }

    @Test
    void load_whenFileValueHasWrongType_thenConfigExceptionNamesKey() throws IOException {
        Path yaml = file("bad.yaml", """
                limits:
                  maxConnections: lots
                """);

        assertThatThrownBy(() -> load(yaml, Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("limits.maxConnections")
                .hasMessageContaining("lots");
    }

    @Test
    void load_whenEnvValueIsNotANumber_thenConfigExceptionNamesKey() {
        assertThatThrownBy(() -> load(null, Map.of("DPSEMU_PROVISIONING_RETRY_AFTER_SECONDS", "soon"), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("provisioning.retryAfterSeconds");
    }

    @Test
    void load_whenEnvHubWeightIsNotANumber_thenConfigExceptionNamesTheHub() {
        assertThatThrownBy(() -> load(null, Map.of("DPSEMU_LINKED_HUBS", "hub-a.example.test=heavy"), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("hub-a.example.test=heavy")
                .hasMessageContaining("heavy");
    }

    @Test
    void load_whenValueOutOfRange_thenConfigExceptionNamesKey() throws IOException {
        Path yaml = file("range.yaml", """
                provisioning:
                  retryAfterSeconds: 0
                """);

        assertThatThrownBy(() -> load(yaml, Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("provisioning.retryAfterSeconds")
                .hasMessageContaining("not 0");
        assertThatThrownBy(() -> load(null, Map.of("DPSEMU_LINKED_HUBS", "hub-a.example.test=0"), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("linkedHubs[0].allocationWeight");
        assertThatThrownBy(() -> load(null, Map.of(), Map.of("mqttPort", 70_000)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("mqttPort");
    }

    @Test
    void load_whenTopLevelIsAList_thenConfigExceptionSaysMapping() throws IOException {
        Path yaml = file("list.yaml", "- mqttPort: 8883\n- store: memory\n");

        assertThatThrownBy(() -> load(yaml, Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("mapping")
                .hasMessageContaining("list.yaml");
    }

    @Test
    void load_whenTopLevelIsAScalar_thenConfigExceptionSaysMapping() throws IOException {
        Path yaml = file("scalar.yaml", "just a string\n");

        assertThatThrownBy(() -> load(yaml, Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("mapping");
    }

    @Test
    void load_whenSectionIsAScalar_thenConfigExceptionNamesSection() throws IOException {
        Path yaml = file("section.yaml", "provisioning: 5\n");

        assertThatThrownBy(() -> load(yaml, Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("provisioning");
    }

    @Test
    void load_whenCertFileWithoutKeyFile_thenConfigExceptionNamesTlsKeys() throws IOException {
        Path yaml = file("tls.yaml", """
                tls:
                  certFile: /etc/tls/server.pem
                """);

        assertThatThrownBy(() -> load(yaml, Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("tls.certFile")
                .hasMessageContaining("tls.keyFile");
        assertThatThrownBy(() -> load(null, Map.of("DPSEMU_TLS_KEY_FILE", "/etc/tls/server.key"), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("tls.certFile");
    }

    @Test
    void load_whenFileDoesNotExist_thenConfigExceptionNamesFile() {
        Path missing = dir.resolve("missing.yaml");

        assertThatThrownBy(() -> load(missing, Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("missing.yaml");
    }

    @Test
    void load_whenYamlIsMalformed_thenConfigExceptionNamesFile() throws IOException {
        Path yaml = file("broken.yaml", "provisioning:\n  retryAfterSeconds: [1,\n");

        assertThatThrownBy(() -> load(yaml, Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("broken.yaml");
    }

    @Test
    void load_whenStoreIsUnknown_thenConfigExceptionNamesStore() {
        assertThatThrownBy(() -> load(null, Map.of("DPSEMU_STORE", "mongodb"), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'store'")
                .hasMessageContaining("mongodb");
    }

    @Test
    void environmentName_whenKeyPathIsCamelCase_thenUpperSnakeCaseWithPrefix() {
        assertThat(ConfigLoader.environmentName("provisioning.retryAfterSeconds"))
                .isEqualTo("DPSEMU_PROVISIONING_RETRY_AFTER_SECONDS");
        assertThat(ConfigLoader.environmentName("linkedHubs")).isEqualTo("DPSEMU_LINKED_HUBS");
        assertThat(ConfigLoader.environmentName("tls.certFile")).isEqualTo("DPSEMU_TLS_CERT_FILE");
        assertThat(ConfigLoader.environmentName("store")).isEqualTo("DPSEMU_STORE");
    }

    @Test
    void load_whenDpsemuVariableNamesNoKey_thenConfigExceptionNamesTheVariable() {
        assertThatThrownBy(() -> load(null, Map.of("DPSEMU_MQTT_PROT", "1883"), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("DPSEMU_MQTT_PROT");
    }

    @Test
    void load_whenLauncherAndLogVariablesAreSet_thenAccepted() {
        assertThat(load(null, Map.of("DPSEMU_JAVA_OPTS", "-Xmx1g", "DPSEMU_LOG_LEVEL", "DEBUG"), Map.of()))
                .isEqualTo(ServerConfig.defaults());
    }

    @Test
    void load_whenConfigFileIsMissing_thenTheMessageSaysNoSuchFile() {
        Path missing = dir.resolve("missing.yaml");

        assertThatThrownBy(() -> load(missing, Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("cannot read config file " + missing + ": no such file");
    }

    @Test
    void load_whenConfigFileIsADirectory_thenTheMessageGivesTheReason() {
        assertThatThrownBy(() -> load(dir, Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("cannot read config file " + dir + ": ")
                .hasMessageNotContaining(": " + dir);
    }

    @Test
    void load_whenLogFormatIsGivenByFileEnvOrFlag_thenApplied_andTextByDefault() throws IOException {
        assertThat(load(null, Map.of(), Map.of()).log().format()).isEqualTo("text");
        assertThat(load(file("log.yaml", "log:\n  format: json\n"), Map.of(), Map.of()).log().format())
                .isEqualTo("json");
        assertThat(load(null, Map.of("DPSEMU_LOG_FORMAT", "json"), Map.of()).log().format()).isEqualTo("json");
        assertThat(load(null, Map.of("DPSEMU_LOG_FORMAT", "json"), Map.of("log.format", "text")).log().format())
                .isEqualTo("text");
    }

    @Test
    void load_whenLogFormatIsUnknown_thenConfigExceptionNamesTheKeyAndTheFormats() {
        assertThatThrownBy(() -> load(null, Map.of("DPSEMU_LOG_FORMAT", "xml"), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("configuration key 'log.format' must be 'text' or 'json', not 'xml'");
    }
}
