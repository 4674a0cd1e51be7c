package io.dpsemu.server.issuance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dpsemu.server.config.ConfigException;
import io.dpsemu.server.config.CredentialPolicyConfig;
import io.dpsemu.server.config.IssuanceConfig;
import io.dpsemu.server.issuance.TestIssuers.Ca;
import io.dpsemu.server.logs.LogCapture;
import io.dpsemu.server.tls.CertificateIssuer;
import io.dpsemu.server.tls.KeyMaterial;
import io.dpsemu.server.tls.KeyType;
import io.dpsemu.server.tls.Pem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading the policies at start-up: what a plant's CA files must be, and the names policies answer to. */
class CredentialPoliciesLoadTest {

    private static final Ca LOCAL_CA = TestIssuers.root("dpsemu local CA test");
    private static final KeyMaterial LOCAL = TestIssuers.material(LOCAL_CA);
    private static final Ca ROOT = TestIssuers.root("Plant Root CA");

    @TempDir
    Path dir;

    private static IssuanceConfig withDefault(String defaultPolicy, int maxChainLength,
                                              CredentialPolicyConfig... policies) {
        return new IssuanceConfig(defaultPolicy, maxChainLength, 10, 8192, List.of(policies));
    }

    @Test
    void defaults_offerTheLocalPolicyAsTheDefault() {
        CredentialPolicies policies = CredentialPolicies.load(IssuanceConfig.defaults(), LOCAL);

        assertThat(policies.names()).containsExactly("local");
        assertThat(policies.defaultPolicyName()).contains("local");
        assertThat(policies.supersededKept()).isEqualTo(10);
        assertThat(policies.find("local").orElseThrow().issuerChain()).containsExactly(LOCAL_CA.certificate());
        assertThat(policies.find("local").orElseThrow().validity()).isEqualTo(Duration.ofDays(30));
        assertThat(policies.describe()).contains("local (issuer 'CN=dpsemu local CA test', 30 days")
                .endsWith("default local");
    }

    @Test
    void names_areCaseSensitive() {
        CredentialPolicies policies = CredentialPolicies.load(
                TestIssuers.config(TestIssuers.plantFiles(dir, "Plant-A", TestIssuers.intermediate("A", ROOT), ROOT)),
                LOCAL);

        assertThat(policies.names()).containsExactly("local", "Plant-A");
        assertThat(policies.find("Plant-A")).isPresent();
        assertThat(policies.find("plant-a")).isEmpty();
        assertThat(policies.find("LOCAL")).isEmpty();
        assertThat(policies.find(null)).isEmpty();
    }

    @Test
    void emptyDefaultPolicy_meansNoDefault() {
        CredentialPolicies policies = CredentialPolicies.load(withDefault("", 3), LOCAL);

        assertThat(policies.defaultPolicyName()).isEmpty();
        assertThat(policies.find("local")).isPresent();
    }

    @Test
    void defaultPolicyNamingNoPolicy_isAConfigError() {
        assertThatThrownBy(() -> CredentialPolicies.load(withDefault("plant", 3), LOCAL))
                .isInstanceOf(ConfigException.class)
                .hasMessage("configuration key 'issuance.defaultPolicy' names 'plant', which is no credential policy;"
                        + " known are local (or \"\" for none)");
    }

    @Test
    void defaultPolicy_mayBeAPlantPolicy() {
        CredentialPolicyConfig plant = TestIssuers.plantFiles(dir, "plant", ROOT);

        assertThat(CredentialPolicies.load(withDefault("plant", 3, plant), LOCAL).defaultPolicyName())
                .contains("plant");
    }

    @Test
    void keyFileReadableByOthers_isRefusedNamingTheFileAndTheFix() throws IOException {
        CredentialPolicyConfig plant = TestIssuers.plantFiles(dir, "plant", ROOT);
        Files.setPosixFilePermissions(Path.of(plant.key()), PosixFilePermissions.fromString("rw-r--r--"));

        assertThatThrownBy(() -> CredentialPolicies.load(TestIssuers.config(plant), LOCAL))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("configuration key 'issuance.policies[0]' (credential policy 'plant'): "
                        + plant.key() + ": the CA's private key is accessible by group or others (mode rw-r--r--)")
                .hasMessageEndingWith("chmod 600 " + plant.key());
    }

    @Test
    void keyFileReadableByItsGroup_isRefused() throws IOException {
        CredentialPolicyConfig plant = TestIssuers.plantFiles(dir, "plant", ROOT);
        Files.setPosixFilePermissions(Path.of(plant.key()), PosixFilePermissions.fromString("rw-r-----"));

        assertThatThrownBy(() -> CredentialPolicies.load(TestIssuers.config(plant), LOCAL))
                .isInstanceOf(ConfigException.class).hasMessageContaining("chmod 600");
    }

    @Test
    void keyOfAnotherCa_isRefused() {
        CredentialPolicyConfig plant = TestIssuers.plantFiles(dir, "plant", ROOT);
        Pem.writePrivateKey(Path.of(plant.key()), CertificateIssuer.newKeyPair(KeyType.EC).getPrivate());

        assertThatThrownBy(() -> CredentialPolicies.load(TestIssuers.config(plant), LOCAL))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(plant.key() + ": the private key does not belong to the first certificate of "
                        + plant.certificate() + ", 'CN=Plant Root CA'");
    }

    @Test
    void missingFiles_areRefusedNamingThem() {
        CredentialPolicyConfig plant = CredentialPolicyConfig.of("plant", dir.resolve("none.pem").toString(),
                dir.resolve("none-key.pem").toString());

        assertThatThrownBy(() -> CredentialPolicies.load(TestIssuers.config(plant), LOCAL))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(dir.resolve("none.pem") + ": file not found");
    }

    @Test
    void chainLongerThanMaxChainLength_isRefused() {
        Ca middle = TestIssuers.intermediate("Plant Line CA", ROOT, 1, Duration.ofDays(1000));
        Ca issuing = TestIssuers.intermediate("Plant Device CA", middle);
        CredentialPolicyConfig plant = TestIssuers.plantFiles(dir, "plant", issuing, middle, ROOT);

        assertThatThrownBy(() -> CredentialPolicies.load(TestIssuers.config(plant), LOCAL))
                .isInstanceOf(ConfigException.class)
                .hasMessage("configuration key 'issuance.policies[0]' (credential policy 'plant'): its chain would be"
                        + " 4 certificates long (the device's and 3 of its issuers), longer than"
                        + " issuance.maxChainLength allows (3)");
    }

    @Test
    void maxChainLengthAboveThree_allowsTheChain_andWarnsOfEmbeddedC() {
        Ca middle = TestIssuers.intermediate("Plant Line CA", ROOT, 1, Duration.ofDays(1000));
        Ca issuing = TestIssuers.intermediate("Plant Device CA", middle);
        CredentialPolicyConfig plant = TestIssuers.plantFiles(dir, "plant", issuing, middle, ROOT);

        try (LogCapture logs = LogCapture.start()) {
            CredentialPolicies policies = CredentialPolicies.load(withDefault("local", 4, plant), LOCAL);

            assertThat(policies.find("plant").orElseThrow().issuerChain()).hasSize(3);
            assertThat(logs.warningsOrStackTraces()).singleElement().satisfies(warning -> assertThat(
                    warning.getFormattedMessage()).contains("issuance.maxChainLength is 4", "embedded C",
                    "fixed array of 3 entries"));
        }
    }

    @Test
    void chainInTheWrongOrder_isRefused() {
        Ca issuing = TestIssuers.intermediate("Plant Device CA", ROOT);
        CredentialPolicyConfig plant = TestIssuers.plantFiles(dir, "plant", issuing, TestIssuers.root("Other Root"));

        assertThatThrownBy(() -> CredentialPolicies.load(TestIssuers.config(plant), LOCAL))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'CN=Plant Device CA' is not signed by the next certificate, 'CN=Other Root'");
    }

    @Test
    void chainWithoutItsRoot_isRefused() {
        CredentialPolicyConfig plant = TestIssuers.plantFiles(dir, "plant", TestIssuers.intermediate("Device CA",
                ROOT));

        assertThatThrownBy(() -> CredentialPolicies.load(TestIssuers.config(plant), LOCAL))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'CN=Device CA' is not self-signed: the file must end with the root CA");
    }

    @Test
    void issuingCertificateThatIsNoCa_isRefused() {
        KeyPair keys = CertificateIssuer.newKeyPair(KeyType.EC);
        Instant now = Instant.now();
        Ca device = new Ca(keys, CertificateIssuer.deviceCertificate(keys.getPublic(), "not-a-ca",
                ROOT.certificate(), ROOT.keys().getPrivate(), now.minus(Duration.ofDays(1)),
                now.plus(Duration.ofDays(9))));
        CredentialPolicyConfig plant = TestIssuers.plantFiles(dir, "plant", device, ROOT);

        assertThatThrownBy(() -> CredentialPolicies.load(TestIssuers.config(plant), LOCAL))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'CN=not-a-ca' may not sign certificates (its key usage lacks keyCertSign)");
    }

    @Test
    void intermediateWhosePathLengthForbidsTheCaBelow_isRefused() {
        Ca middle = TestIssuers.intermediate("Plant Line CA", ROOT, 0, Duration.ofDays(1000));
        Ca issuing = TestIssuers.intermediate("Plant Device CA", middle);
        CredentialPolicyConfig plant = TestIssuers.plantFiles(dir, "plant", issuing, middle, ROOT);

        assertThatThrownBy(() -> CredentialPolicies.load(withDefault("local", 4, plant), LOCAL))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'CN=Plant Line CA' allows 0 CA certificate(s) below it, but the chain puts 1");
    }

    @Test
    void signatureAlgorithmNotFittingTheCaKey_isRefused() {
        CredentialPolicyConfig local = new CredentialPolicyConfig("local", null, null, null, null, null,
                "SHA256withRSA");

        assertThatThrownBy(() -> CredentialPolicies.load(TestIssuers.config(local), LOCAL))
                .isInstanceOf(ConfigException.class)
                .hasMessage("configuration key 'issuance.policies[0].signatureAlgorithm' (credential policy 'local'):"
                        + " SHA256withRSA cannot sign with the CA's EC key");
    }

    @Test
    void rsaPlantCa_signsWithSha256WithRsaByDefault() {
        Ca rsaRoot = TestIssuers.root("Plant RSA Root", KeyType.RSA, Duration.ofDays(365));

        CredentialPolicies policies = CredentialPolicies.load(
                TestIssuers.config(TestIssuers.plantFiles(dir, "plant", rsaRoot)), LOCAL);

        assertThat(policies.find("plant").orElseThrow().describe()).contains("SHA256withRSA");
    }
}
