package io.dpsemu.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dpsemu.server.config.ConfigException;
import io.dpsemu.server.config.ConfigLoader;
import io.dpsemu.server.issuance.CredentialPolicies;
import io.dpsemu.server.logs.LogCapture;
import io.dpsemu.server.tls.CertificateIssuer;
import io.dpsemu.server.tls.KeyType;
import io.dpsemu.server.tls.LocalCertificateAuthority;
import io.dpsemu.server.tls.Pem;
import io.dpsemu.server.tls.TlsFiles;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The credential policies a starting server loads: the local CA's and a plant's, or a refusal to start. */
class DpsServerCredentialPoliciesTest {

    @TempDir
    Path dir;

    private Map<String, Object> settings() {
        return new HashMap<>(Map.of("dataDir", dir.resolve("data").toString(), "store", "memory",
                "bind", "127.0.0.1", "mqttPort", 0, "httpsPort", 0));
    }

    /** A plant root CA as the two PEM files a policy names. */
    private Map<String, String> plantCa() {
        KeyPair keys = CertificateIssuer.newKeyPair(KeyType.EC);
        Instant now = Instant.now();
        Path certificate = dir.resolve("plant-ca.pem");
        Path key = dir.resolve("plant-ca-key.pem");
        Pem.writeCertificates(certificate, List.of(CertificateIssuer.rootCa(keys, "Plant Root CA",
                now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(365)))));
        Pem.writePrivateKey(key, keys.getPrivate());
        return Map.of("DPSEMU_ISSUANCE_POLICIES", "[{\"name\": \"plant\", \"certificate\": \"" + certificate
                + "\", \"key\": \"" + key + "\", \"validityDays\": 90}]");
    }

    @Test
    void start_withGeneratedTls_localPolicySignsWithTheCaDevicesTrust() {
        try (DpsServer server = DpsServer.start(ConfigLoader.load(null, Map.of(), settings()))) {
            CredentialPolicies policies = server.credentialPolicies();

            assertThat(policies.defaultPolicyName()).contains("local");
            assertThat(policies.find("local").orElseThrow().issuerChain())
                    .isEqualTo(Pem.readCertificates(server.caCertificate()));
        }
    }

    @Test
    void start_withUserTlsAndAPlantPolicy_loadsBoth_andLogsThem() {
        TlsFiles userTls = LocalCertificateAuthority.ensure(dir.resolve("user-tls"), List.of());
        Map<String, Object> settings = settings();
        settings.put("tls.certFile", userTls.certificateChain().toString());
        settings.put("tls.keyFile", userTls.privateKey().toString());

        try (LogCapture logs = LogCapture.start();
             DpsServer server = DpsServer.start(ConfigLoader.load(null, plantCa(), settings))) {
            CredentialPolicies policies = server.credentialPolicies();

            assertThat(policies.names()).containsExactly("local", "plant");
            assertThat(server.caCertificate()).isNull();
            assertThat(policies.find("local").orElseThrow().issuerChain()).isEqualTo(
                    Pem.readCertificates(dir.resolve("data").resolve("tls").resolve("ca.pem")));
            assertThat(logs.messages()).anySatisfy(line -> assertThat(line)
                    .startsWith("certificate issuance (credential policies): local (issuer 'CN=dpsemu local CA")
                    .contains("; plant (issuer 'CN=Plant Root CA', 90 days", "; default local"));
        }
    }

    @Test
    void start_withAnUnknownDefaultPolicy_stopsWithAConfigError() {
        Map<String, String> env = Map.of("DPSEMU_ISSUANCE_DEFAULT_POLICY", "plant");

        assertThatThrownBy(() -> DpsServer.start(ConfigLoader.load(null, env, settings())).close())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'issuance.defaultPolicy' names 'plant', which is no credential policy");
    }
}
