package io.dpsemu.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dpsemu.loadgen.LoadgenCommand;
import io.dpsemu.server.DpsServer;
import io.dpsemu.store.RegistrationRecord;
import io.netty.pkitesting.CertificateBuilder;
import io.netty.pkitesting.X509Bundle;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/**
 * {@code dpsemu loadgen} against a real dpsemu, seeded the way the README tells users to (a seed
 * file), for every transport and every kind of attestation.
 */
@Timeout(300)
class LoadgenIT {

    private static final int DEVICES = 60;
    private static final int INDIVIDUALS_PER_TRANSPORT = 20;
    private static final String GROUP_KEY = newKey();
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;

    private static DpsServer server;
    private static X509Bundle ca;

    @BeforeAll
    static void startServer() throws Exception {
        ca = new CertificateBuilder().subject("CN=loadgen IT CA").ecp256().setIsCertificateAuthority(true)
                .setKeyUsage(true, CertificateBuilder.KeyUsage.keyCertSign)
                .notBefore(Instant.now().minus(Duration.ofHours(1))).notAfter(Instant.now().plus(Duration.ofDays(1)))
                .buildSelfSigned();
        Files.writeString(dir.resolve("ca.pem"), ca.getCertificatePEM());
        Files.writeString(dir.resolve("ca-key.pem"), ca.getPrivateKeyPEM());
        Path seed = Files.writeString(dir.resolve("enrollments.yaml"), seedFile());
        server = TestServers.start(dir.resolve("data"), "memory",
                Map.of("enrollments", seed.toString(), "provisioning.retryAfterSeconds", 1), Clock.systemUTC());
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"mqtt", "mqttws", "https"})
    void groupKey_everyDeviceIsAssignedThroughTheGroup(String transport) throws Exception {
        String prefix = "lg-group-" + transport + "-";

        Run run = loadgen("--transport", transport, "--group-key", GROUP_KEY, "--id-prefix", prefix,
                "--devices", Integer.toString(DEVICES), "--warmup", "10", "--concurrency", "20", "--poll", "immediate");

        assertThat(run.exitCode()).isZero();
        assertCleanlyAssigned(run.summary(), DEVICES);
        assertThat(run.summary().path("warmup").path("assigned").asInt()).isEqualTo(10);
        assertThat(run.summary().path("run").path("attestation").asText()).isEqualTo("group-key");
        assertThat(registrations(prefix)).hasSize(DEVICES + 10)
                .allSatisfy(r -> assertThat(r.enrollmentGroupId()).isEqualTo("loadgen-group"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"mqtt", "mqttws", "https"})
    void keysFile_everyIndividualEnrollmentIsAssigned(String transport) throws Exception {
        Path keys = dir.resolve("keys-" + transport + ".csv");

        Run run = loadgen("--transport", transport, "--keys", keys.toString(), "--concurrency", "10",
                "--poll", "immediate");

        assertThat(run.exitCode()).isZero();
        assertCleanlyAssigned(run.summary(), INDIVIDUALS_PER_TRANSPORT);
        assertThat(registrations("lg-individual-" + transport + "-")).hasSize(INDIVIDUALS_PER_TRANSPORT)
                .allSatisfy(r -> assertThat(r.enrollmentGroupId()).isNull());
    }

    @ParameterizedTest
    @ValueSource(strings = {"mqtt", "mqttws", "https"})
    void x509_devicesWithLeafsFromTheEnrolledCaAreAssignedThroughItsGroup(String transport) throws Exception {
        String prefix = "lg-x509-" + transport + "-";

        Run run = loadgen("--transport", transport, "--x509-ca-cert", dir.resolve("ca.pem").toString(),
                "--x509-ca-key", dir.resolve("ca-key.pem").toString(), "--id-prefix", prefix, "--devices",
                Integer.toString(DEVICES), "--concurrency", "20", "--poll", "immediate");

        assertThat(run.exitCode()).isZero();
        assertCleanlyAssigned(run.summary(), DEVICES);
        assertThat(registrations(prefix)).hasSize(DEVICES)
                .allSatisfy(r -> assertThat(r.enrollmentGroupId()).isEqualTo("loadgen-x509"));
    }

    @Test
    void sdkPacing_pollsOnlyAfterTheServersRetryAfter() throws Exception {
        Run run =
                loadgen("--group-key", GROUP_KEY, "--id-prefix", "lg-paced-", "--devices", "20", "--concurrency", "20");

        assertThat(run.exitCode()).isZero();
        assertCleanlyAssigned(run.summary(), 20);
        assertThat(run.summary().path("pollsPerFlow").path("p50").asInt()).isEqualTo(1);
        // the server answers retry-after=1: no device may ask again sooner
        assertThat(run.summary().path("latencyMs").path("registerToAssigned").path("p50").asDouble())
                .isGreaterThanOrEqualTo(1000.0);
    }

    @Test
    void wrongGroupKey_everyRegisterIsRefusedCountedAsHttp401AndTheExitCodeIsOne() throws Exception {
        Run run =
                loadgen("--transport", "mqtt", "--group-key", newKey(), "--id-prefix", "lg-wrong-", "--devices", "25");

        assertThat(run.exitCode()).isEqualTo(1);
        JsonNode summary = run.summary();
        assertThat(summary.path("assigned").asInt()).isZero();
        assertThat(summary.path("failed").asInt()).isEqualTo(25);
        assertThat(summary.path("errors").path("http_401").asInt()).isEqualTo(25);
        assertThat(summary.path("errorExamples").path("http_401").asText()).contains("signature");
        assertThat(registrations("lg-wrong-")).isEmpty();
    }

    @Test
    void hold_keepsAuthenticatedSessionsOpenWithoutRegistering() throws Exception {
        Run run = loadgen("--transport", "mqtt", "--group-key", GROUP_KEY, "--id-prefix", "lg-hold-", "--hold", "40",
                "--duration", "1s");

        assertThat(run.exitCode()).isZero();
        assertThat(run.stdout()).contains("holding 40 sessions for 1 s");
        assertThat(run.summary().path("held").asInt()).isEqualTo(40);
        assertThat(run.summary().path("errors").size()).isZero();
        assertThat(registrations("lg-hold-")).isEmpty();
    }

    @Test
    void jsonAndHistogramFiles_areWrittenAlongsideStdout() throws Exception {
        Path json = dir.resolve("summary.json");
        Path histogram = dir.resolve("latency.hlog");

        Run run = loadgen("--transport", "https", "--group-key", GROUP_KEY, "--id-prefix", "lg-files-",
                "--devices", "10", "--poll", "immediate", "--json", json.toString(), "--histogram",
                histogram.toString());

        assertThat(run.exitCode()).isZero();
        assertThat(JSON.readTree(json.toFile())).isEqualTo(run.summary());
        assertThat(Files.readString(histogram)).startsWith("#[Histogram log format version").contains("Tag=flow,");
    }

    private static void assertCleanlyAssigned(JsonNode summary, int devices) {
        assertThat(summary.path("errors").size()).as("errors: %s", summary.path("errorExamples")).isZero();
        assertThat(summary.path("started").asInt()).isEqualTo(devices);
        assertThat(summary.path("assigned").asInt()).isEqualTo(devices);
        assertThat(summary.path("failed").asInt()).isZero();
        assertThat(summary.path("latencyMs").path("flow").path("count").asInt()).isEqualTo(devices);
        assertThat(summary.path("flowsPerSecond").path("overall").asDouble()).isPositive();
    }

    private record Run(int exitCode, String stdout, JsonNode summary) {
    }

    private static Run loadgen(String... options) throws Exception {
        List<String> args = new ArrayList<>(List.of("--id-scope", server.idScope(), "--ca",
                server.caCertificate().toString(), "--host", "localhost"));
        args.addAll(List.of(options));
        StringWriter out = new StringWriter();
        CommandLine command = new CommandLine(new LoadgenCommand());
        command.setOut(new PrintWriter(out, true));
        int exitCode = command.execute(args.toArray(String[]::new));
        String[] lines = out.toString().strip().split("\n");
        return new Run(exitCode, out.toString(), JSON.readTree(lines[lines.length - 1]));
    }

    private static List<RegistrationRecord> registrations(String prefix) {
        return server.store().listRegistrations(null, null, 10_000).items().stream()
                .filter(r -> r.registrationId().startsWith(prefix)).toList();
    }

    /** A symmetric-key group, individual enrollments with a keys file per transport, and an X.509 group on the CA. */
    private static String seedFile() throws Exception {
        StringBuilder yaml = new StringBuilder("enrollments:\n");
        for (String transport : List.of("mqtt", "mqttws", "https")) {
            List<String> keys = new ArrayList<>();
            for (int i = 0; i < INDIVIDUALS_PER_TRANSPORT; i++) {
                String id = "lg-individual-" + transport + "-" + i;
                String key = newKey();
                keys.add(id + "," + key);
                yaml.append("  - registrationId: ").append(id).append("\n")
                        .append("    attestation: {type: symmetricKey, symmetricKey: {primaryKey: '").append(key)
                        .append("', secondaryKey: '").append(newKey()).append("'}}\n");
            }
            Files.write(dir.resolve("keys-" + transport + ".csv"), keys, StandardCharsets.UTF_8);
        }
        yaml.append("enrollmentGroups:\n")
                .append("  - enrollmentGroupId: loadgen-group\n")
                .append("    attestation: {type: symmetricKey, symmetricKey: {primaryKey: '").append(GROUP_KEY)
                .append("', secondaryKey: '").append(newKey()).append("'}}\n")
                .append("  - enrollmentGroupId: loadgen-x509\n")
                .append("    attestation:\n      type: x509\n      x509:\n        signingCertificates:\n")
                .append("          primary:\n            certificate: |\n");
        Stream.of(ca.getCertificatePEM().strip().split("\n"))
                .forEach(line -> yaml.append("              ").append(line).append("\n"));
        return yaml.toString();
    }

    private static String newKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }
}
