package io.dpsemu.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code issuance} section, from the defaults, the file and the environment. */
class IssuanceConfigTest {

    @TempDir
    Path dir;

    private Path yaml(String content) throws IOException {
        return Files.writeString(dir.resolve("dpsemu.yaml"), content);
    }

    private static ServerConfig load(Path file, Map<String, String> env) {
        return ConfigLoader.load(file, env, Map.of());
    }

    @Test
    void defaults_localPolicyChainsOfThreeTenSupersededEightKibOfCsr() {
        IssuanceConfig issuance = ServerConfig.defaults().issuance();

        assertThat(issuance).isEqualTo(new IssuanceConfig("local", 3, 10, 8192, List.of()));
        assertThat(issuance.hasDefaultPolicy()).isTrue();
    }

    @Test
    void yaml_setsTheSection_andAPolicyEntryTakesDefaultsForWhatItLeavesOut() throws IOException {
        ServerConfig config = load(yaml("""
                issuance:
                  defaultPolicy: plant
                  maxChainLength: 4
                  supersededKept: 2
                  maxCsrBytes: 4096
                  policies:
                    - name: plant
                      certificate: /etc/dpsemu/plant-ca.pem
                      key: /etc/dpsemu/plant-ca-key.pem
                    - name: line-2
                      certificate: /etc/dpsemu/line2-ca.pem
                      key: /etc/dpsemu/line2-ca-key.pem
                      validityDays: 365
                      keyTypes: [ec-p384]
                      minRsaBits: 3072
                      signatureAlgorithm: SHA384withECDSA
                    - name: local
                      validityDays: 7
                """), Map.of());

        assertThat(config.issuance()).isEqualTo(new IssuanceConfig("plant", 4, 2, 4096, List.of(
                new CredentialPolicyConfig("plant", "/etc/dpsemu/plant-ca.pem", "/etc/dpsemu/plant-ca-key.pem", 30,
                        List.of("ec-p256", "ec-p384", "rsa"), 2048, null),
                new CredentialPolicyConfig("line-2", "/etc/dpsemu/line2-ca.pem", "/etc/dpsemu/line2-ca-key.pem",
                        365, List.of("ec-p384"), 3072, "SHA384withECDSA"),
                new CredentialPolicyConfig("local", null, null, 7, List.of("ec-p256", "ec-p384", "rsa"), 2048,
                        null))));
    }

    @Test
    void emptySection_leavesTheDefaults() throws IOException {
        assertThat(load(yaml("issuance:\n"), Map.of())).isEqualTo(ServerConfig.defaults());
    }

    @Test
    void environment_setsTheScalarKeys_underTheConventionalNames() {
        assertThat(ConfigLoader.environmentName("issuance.maxCsrBytes")).isEqualTo("DPSEMU_ISSUANCE_MAX_CSR_BYTES");

        ServerConfig config = load(null, Map.of("DPSEMU_ISSUANCE_DEFAULT_POLICY", "",
                "DPSEMU_ISSUANCE_MAX_CHAIN_LENGTH", "2", "DPSEMU_ISSUANCE_SUPERSEDED_KEPT", "0",
                "DPSEMU_ISSUANCE_MAX_CSR_BYTES", "16384"));

        assertThat(config.issuance()).isEqualTo(new IssuanceConfig("", 2, 0, 16384, List.of()));
        assertThat(config.issuance().hasDefaultPolicy()).isFalse();
    }

    @Test
    void policiesVariable_isAJsonArrayOfPolicies() {
        ServerConfig config = load(null, Map.of("DPSEMU_ISSUANCE_POLICIES", "[{\"name\": \"plant\","
                + " \"certificate\": \"/c.pem\", \"key\": \"/k.pem\", \"validityDays\": 90}]"));

        assertThat(config.issuance().policies()).containsExactly(
                new CredentialPolicyConfig("plant", "/c.pem", "/k.pem", 90, null, null, null));
    }

    @Test
    void policiesVariable_thatIsNotAJsonArray_isRefusedClearly() {
        assertThatThrownBy(() -> load(null, Map.of("DPSEMU_ISSUANCE_POLICIES", "plant=/c.pem")))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("environment variable DPSEMU_ISSUANCE_POLICIES must be a JSON array of"
                        + " credential policies, e.g. [{\"name\": \"plant\"");
    }

    @Test
    void valuesOutOfRange_areRefusedNamingTheKey() {
        assertThatThrownBy(() -> load(null, Map.of("DPSEMU_ISSUANCE_MAX_CHAIN_LENGTH", "1")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("configuration key 'issuance.maxChainLength' must be between 2 and 10, not 1");
        assertThatThrownBy(() -> load(null, Map.of("DPSEMU_ISSUANCE_MAX_CSR_BYTES", "100")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("configuration key 'issuance.maxCsrBytes' must be between 1024 and 1048576, not 100");
        assertThatThrownBy(() -> load(null, Map.of("DPSEMU_ISSUANCE_SUPERSEDED_KEPT", "-1")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("'issuance.supersededKept'");
        assertThatThrownBy(() -> load(null, Map.of("DPSEMU_ISSUANCE_SUPERSEDED_KEPT", "many")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("issuance.supersededKept");
    }

    @Test
    void defaultPolicyLeftEmptyInTheFile_isRefusedSayingHowToTurnItOff() throws IOException {
        assertThatThrownBy(() -> load(yaml("issuance:\n  defaultPolicy:\n"), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("configuration key 'issuance.defaultPolicy' must name a credential policy, or be \"\""
                        + " for none");
    }

    @Test
    void plantPolicyWithoutItsFiles_isRefusedNamingTheMissingKey() throws IOException {
        assertThatThrownBy(() -> load(yaml("issuance:\n  policies:\n    - name: plant\n      key: /k.pem\n"),
                Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("configuration key 'issuance.policies[0].certificate' must name the PEM file of the"
                        + " issuing CA and its chain");
        assertThatThrownBy(() -> load(yaml("issuance:\n  policies:\n    - name: plant\n      certificate: /c.pem\n"),
                Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'issuance.policies[0].key' must name the PEM file of the issuing CA's private");
    }

    @Test
    void localPolicyWithFiles_isRefused() throws IOException {
        assertThatThrownBy(() -> load(yaml("""
                issuance:
                  policies:
                    - name: local
                      certificate: /c.pem
                      key: /k.pem
                """), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("configuration key 'issuance.policies[0]' 'local' is the built-in policy");
    }

    @Test
    void badPolicyValues_areRefusedNamingTheKey() throws IOException {
        String entry = "issuance:\n  policies:\n    - name: plant\n      certificate: /c.pem\n      key: /k.pem\n";

        assertThatThrownBy(() -> load(yaml(entry + "      keyTypes: [ec-p521]\n"), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("configuration key 'issuance.policies[0].keyTypes' 'ec-p521' is not one of"
                        + " [ec-p256, ec-p384, rsa]");
        assertThatThrownBy(() -> load(yaml(entry + "      keyTypes: []\n"), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("'issuance.policies[0].keyTypes'");
        assertThatThrownBy(() -> load(yaml(entry + "      minRsaBits: 1024\n"), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("configuration key 'issuance.policies[0].minRsaBits' must be between 2048 and 16384,"
                        + " not 1024");
        assertThatThrownBy(() -> load(yaml(entry + "      validityDays: 0\n"), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("'issuance.policies[0].validityDays'");
        assertThatThrownBy(() -> load(yaml(entry + "      signatureAlgorithm: SHA1withRSA\n"), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("configuration key 'issuance.policies[0].signatureAlgorithm' 'SHA1withRSA'"
                        + " is not one of [SHA256withECDSA");
        assertThatThrownBy(() -> load(yaml(entry + "      validity: 30\n"), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("unknown key 'issuance.policies[0].validity'");
    }

    @Test
    void policyNames_mustBeSimpleAndUnique() throws IOException {
        assertThatThrownBy(() -> load(yaml("issuance:\n  policies:\n    - name: plant ca\n"), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("configuration key 'issuance.policies[0].name' must be 1-64 letters, digits, '_', '.'"
                        + " or '-'");
        assertThatThrownBy(() -> load(yaml("""
                issuance:
                  policies:
                    - {name: plant, certificate: /a.pem, key: /a-key.pem}
                    - {name: Plant, certificate: /b.pem, key: /b-key.pem}
                """), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("configuration key 'issuance.policies[1].name' 'Plant' is listed twice");
    }
}
