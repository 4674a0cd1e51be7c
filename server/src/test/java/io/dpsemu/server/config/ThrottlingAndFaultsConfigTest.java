package io.dpsemu.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.dpsemu.protocol.faults.FaultRuleSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code throttling} section and the {@code faults} list, from the file and from the environment. */
class ThrottlingAndFaultsConfigTest {

    private static final String POLLS_VARIABLE = "DPSEMU_THROTTLING_POLLS_PER_DEVICE_PER10_SECONDS";

    @TempDir
    Path dir;

    private Path yaml(String content) throws IOException {
        return Files.writeString(dir.resolve("dpsemu.yaml"), content);
    }

    private static ServerConfig load(Path file, Map<String, String> env) {
        return ConfigLoader.load(file, env, Map.of());
    }

    @Test
    void defaults_throttlingOff_noFaults() {
        ServerConfig config = ServerConfig.defaults();

        assertThat(config.throttling()).isEqualTo(new ThrottlingConfig(0, 0, 0));
        assertThat(config.faults()).isEmpty();
    }

    @Test
    void yaml_setsQuotasAndFaultRules() throws IOException {
        ServerConfig config = load(yaml("""
                throttling:
                  registrationsPerMinute: 1000
                  pollsPerDevicePer10Seconds: 5
                faults:
                  - registrationId: "dev-*"
                    transports: [mqtt]
                    probability: 0.3
                    status: 429
                    retryAfterSeconds: 5
                  - kinds: [register]
                    failOperation: 400207
                    maxHits: 1
                """), Map.of());

        assertThat(config.throttling()).isEqualTo(new ThrottlingConfig(1000, 0, 5));
        assertThat(config.faults()).containsExactly(
                new FaultRuleSpec("dev-*", null, null, List.of("mqtt"), null, 0.3, null, 429, null, 5, null, null, null,
                        null, null, null),
                new FaultRuleSpec(null, null, null, null, List.of("register"), null, null, null, null, null, null, null,
                        null, 400207, 1, null));
    }

    @Test
    void emptyFaultsKey_leavesTheDefault() throws IOException {
        assertThat(load(yaml("faults:\nthrottling:\n"), Map.of())).isEqualTo(ServerConfig.defaults());
    }

    @Test
    void environment_setsAQuota_underTheConventionalName() {
        assertThat(ConfigLoader.environmentName("throttling.pollsPerDevicePer10Seconds")).isEqualTo(POLLS_VARIABLE);

        ServerConfig config = load(null, Map.of(POLLS_VARIABLE, "5", "DPSEMU_THROTTLING_OPERATIONS_PER_MINUTE", "200"));

        assertThat(config.throttling()).isEqualTo(new ThrottlingConfig(0, 200, 5));
    }

    @Test
    void negativeQuota_isRefused_namingTheKey() throws IOException {
        assertThatThrownBy(() -> load(yaml("throttling:\n  operationsPerMinute: -1\n"), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("configuration key 'throttling.operationsPerMinute' must be between 0 and 10000000,"
                        + " not -1");
        assertThatThrownBy(() -> load(null, Map.of(POLLS_VARIABLE, "many")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("throttling.pollsPerDevicePer10Seconds");
    }

    @Test
    void badFaultRule_isRefused_namingItsIndexAndField() throws IOException {
        assertThatThrownBy(() -> load(yaml("""
                faults:
                  - status: 429
                  - status: 503
                    probability: 2
                """), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("configuration key 'faults[1].probability' must be greater than 0 and at most 1, not 2.0");
        assertThatThrownBy(() -> load(yaml("faults:\n  - probability: 0.5\n"), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("'faults[0].action'")
                .hasMessageContaining("status, delayMillis, drop or failOperation");
    }

    @Test
    void unknownFaultRuleField_isRefused_namingIt() throws IOException {
        assertThatThrownBy(() -> load(yaml("faults:\n  - status: 429\n    probabilty: 0.5\n"), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("unknown key 'faults[0].probabilty'");
    }

    @Test
    void faultsVariable_isAJsonArrayOfRules() {
        ServerConfig config = load(null, Map.of("DPSEMU_FAULTS", "[{\"status\": 429, \"maxHits\": 2},"
                + " {\"drop\": true, \"kinds\": [\"poll\", \"register\"]}]"));

        assertThat(config.faults()).extracting(FaultRuleSpec::status, FaultRuleSpec::drop)
                .containsExactly(tuple(429, null),
                        tuple(null, true));
    }

    @Test
    void faultsVariable_thatIsNotAJsonArray_isRefusedClearly() {
        assertThatThrownBy(() -> load(null, Map.of("DPSEMU_FAULTS", "status=429,probability=0.5")))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("environment variable DPSEMU_FAULTS must be a JSON array of fault rules");
        assertThatThrownBy(() -> load(null, Map.of("DPSEMU_FAULTS", "[{\"status\": 200}]")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("'faults[0].status'");
    }
}
