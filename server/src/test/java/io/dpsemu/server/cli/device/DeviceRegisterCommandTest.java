package io.dpsemu.server.cli.device;

import static org.assertj.core.api.Assertions.assertThat;

import io.dpsemu.server.DpsServer;
import io.dpsemu.server.cli.DpsemuCommand;
import io.dpsemu.server.config.ConfigLoader;
import io.dpsemu.server.config.LinkedHub;
import io.dpsemu.server.it.IssuedChains;
import io.dpsemu.server.tls.Pem;
import io.dpsemu.store.RegistrationRecord;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import javax.security.auth.x500.X500Principal;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/**
 * {@code dpsemu device register} against a real server on ephemeral ports, seeded from a file: every
 * transport with every attestation, and the server's reasons when it refuses. The id scope and the CA
 * come from the server's data directory, as they do for a user next to {@code ./dpsemu serve}.
 */
@Timeout(120)
class DeviceRegisterCommandTest {

    private static final String HUB = "cli-hub.local";
    private static final String GROUP_KEY = newKey();
    private static final Map<String, String> INDIVIDUAL_KEYS = new HashMap<>();

    @TempDir
    static Path dir;

    private static DpsServer server;

    @BeforeAll
    static void startServer() throws IOException {
        assertThat(cli("cert", "ca", "--cn", "cli test root", "--out-cert", file("root.pem"), "--out-key",
                file("root-key.pem")).exitCode()).isZero();
        assertThat(cli("cert", "intermediate", "--ca", file("root.pem"), "--ca-key", file("root-key.pem"),
                "--cn", "cli test intermediate", "--out-cert", file("intermediate.pem"), "--out-key",
                file("intermediate-key.pem")).exitCode()).isZero();
        for (String transport : List.of("mqtt", "mqttws", "https")) {
            INDIVIDUAL_KEYS.put(transport, newKey());
            // a chain file: the device certificate and the intermediate, under a root the group holds
            assertThat(cli("cert", "device", "--ca", file("intermediate.pem"), "--ca-key",
                    file("intermediate-key.pem"), "--cn", "cli-x509-" + transport, "--out-cert",
                    file("x509-" + transport + ".pem"), "--out-key", file("x509-" + transport + "-key.pem"))
                    .exitCode()).isZero();
        }
        Path seed = Files.writeString(dir.resolve("enrollments.yaml"), seedFile());
        Map<String, Object> overrides = new HashMap<>();
        overrides.put("dataDir", dir.resolve("data").toString());
        overrides.put("store", "memory");
        overrides.put("bind", "127.0.0.1");
        overrides.put("mqttPort", 0);
        overrides.put("httpsPort", 0);
        overrides.put("linkedHubs", List.of(LinkedHub.of(HUB)));
        overrides.put("enrollments", seed.toString());
        overrides.put("provisioning.retryAfterSeconds", 1);
        server = DpsServer.start(ConfigLoader.load(null, Map.of(), overrides));
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"mqtt", "mqttws", "https"})
    void individualKey_isAssigned_andEveryStepIsPrinted(String transport) {
        String id = "cli-key-" + transport;

        Result run = register(transport, id, "--key", INDIVIDUAL_KEYS.get(transport), "--payload",
                "{\"modelId\":\"dtmi:example:thermostat;1\"}");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).contains("registering '" + id + "'", "- connected to ", "- TLS established: TLSv1.2",
                "- register sent: ", "dtmi:example:thermostat;1", "- answer: 202 assigning, operationId ",
                "retry-after 1 s", "- poll sent: ", "- answer: 200 assigned")
                .containsPattern("(?m)^assigned$")
                .containsPattern("(?m)^  assigned hub: +" + HUB + "$")
                .containsPattern("(?m)^  device id: +" + id + "$")
                .containsPattern("(?m)^  substatus: +initialAssignment$");
        if (transport.equals("mqttws")) {
            assertThat(run.out()).contains("- WebSocket upgraded");
        }
        if (!transport.equals("https")) {
            assertThat(run.out()).contains("- MQTT CONNECT accepted", "- subscribed to $dps/registrations/res/#");
        }
        assertThat(record(id).assignedHub()).isEqualTo(HUB);
    }

    @ParameterizedTest
    @ValueSource(strings = {"mqtt", "mqttws", "https"})
    void groupKey_derivesTheDeviceKey_andIsAssignedThroughTheGroup(String transport) {
        String id = "cli-group-" + transport;

        Result run = register(transport, id, "--group-key", GROUP_KEY);

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).containsPattern("(?m)^  assigned hub: +" + HUB + "$");
        assertThat(record(id).enrollmentGroupId()).isEqualTo("cli-group");
    }

    @ParameterizedTest
    @ValueSource(strings = {"mqtt", "mqttws", "https"})
    void x509_chainFile_isAssignedThroughTheGroupOfTheRoot_withTheCnAsRegistrationId(String transport) {
        String id = "cli-x509-" + transport;

        Result run = cli(withServer(transport, "--cert", file("x509-" + transport + ".pem"), "--cert-key",
                file("x509-" + transport + "-key.pem")));

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).contains("registering '" + id + "'")
                .containsPattern("(?m)^  device id: +" + id + "$");
        assertThat(record(id).enrollmentGroupId()).isEqualTo("cli-x509");
    }

    @ParameterizedTest
    @ValueSource(strings = {"mqtt", "https"})
    void wrongKey_isRefusedWithExitCode1_andTheServersErrorCodeAndReason(String transport) {
        String id = "cli-key-" + transport;

        Result run = register(transport, id, "--key", newKey());

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(DeviceRegisterCommand.REFUSED);
        assertThat(run.out()).containsPattern("(?m)^- answer: 401 errorCode 401\\d{3}: ")
                .containsPattern("(?m)^refused: HTTP 401, errorCode 401\\d{3}: the SAS token's signature matches"
                        + " neither key of the individual enrollment \\(trackingId .+\\)$")
                .doesNotContain("Exception");
    }

    @ParameterizedTest
    @ValueSource(strings = {"mqtt", "https"})
    void certificateOfAnotherRegistrationId_isRefused_overMqttByTheConnackStatus(String transport) {
        Result run = cli(withServer(transport, "cli-not-the-cn", "--cert", file("x509-" + transport + ".pem"),
                "--cert-key", file("x509-" + transport + "-key.pem")));

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(DeviceRegisterCommand.REFUSED);
        assertThat(run.err()).contains("the certificate's CN is 'cli-x509-" + transport + "'");
        assertThat(run.out()).contains(transport.equals("mqtt") ? "refused: CONNACK CONNECTION_REFUSED_NOT_AUTHORIZED"
                : "refused: HTTP 401");
    }

    @ParameterizedTest
    @ValueSource(strings = {"mqtt", "mqttws", "https"})
    void csr_isIssued_andItsChainIsWrittenToIssuedCert_validUpToTheLocalCa(String transport) throws Exception {
        String id = "cli-csr-" + transport;
        KeyPair keys = IssuedChains.newKey();
        byte[] request = IssuedChains.csr(id, keys);
        // both file forms of openssl req: PEM by default, DER with -outform DER
        Path csr = transport.equals("https") ? derCsr(id, request) : pemCsr(id, request);
        Path issued = dir.resolve("issued-" + transport + ".pem");

        Result run = register(transport, id, "--group-key", GROUP_KEY, "--csr", csr.toString(), "--issued-cert",
                issued.toString());

        assertThat(run.exitCode()).as(run.toString()).isZero();
        List<X509Certificate> chain = IssuedChains.readCertificates(issued);
        assertThat(chain).hasSize(2);
        X509Certificate leaf = chain.get(0);
        assertThat(leaf.getPublicKey()).isEqualTo(keys.getPublic());
        IssuedChains.assertValidUpTo(chain, IssuedChains.readCertificate(dir.resolve("data/tls/ca.pem")));
        assertThat(run.out()).contains("\"csr\":\"" + Base64.getEncoder().encodeToString(request) + "\"}",
                "- answer: 200 assigned",
                "Wrote issued certificate chain (2 certificates, leaf first) to " + issued)
                .containsPattern("(?m)^  subject: +CN=" + id + "$")
                .containsPattern("(?m)^  serial: +" + HexFormat.of().withUpperCase()
                        .formatHex(leaf.getSerialNumber().toByteArray()) + "$")
                .containsPattern("(?m)^  SHA-256: +" + HexFormat.of().withUpperCase()
                        .formatHex(MessageDigest.getInstance("SHA-256").digest(leaf.getEncoded())) + "$")
                .containsPattern("(?m)^  valid until: +" + leaf.getNotAfter().toInstant() + "$")
                .containsPattern("(?m)^  followed by: +" + localCaSubject() + " ");
        if (transport.equals("https")) {
            assertThat(run.out()).contains("/register?api-version=2025-07-01-preview");
        }
    }

    @Test
    void issuedChain_withTheCsrKey_registersTheDeviceAgainAsX509_throughTheEnrollmentThatRequestedIt()
            throws Exception {
        String id = "cli-csr-reconnect";
        KeyPair keys = IssuedChains.newKey();
        Path issued = dir.resolve("issued-reconnect.pem");
        Path key = dir.resolve("issued-reconnect-key.pem");
        Pem.writePrivateKey(key, keys.getPrivate());
        assertThat(register("mqtt", id, "--group-key", GROUP_KEY, "--csr", pemCsr(id, keys).toString(),
                "--issued-cert", issued.toString()).exitCode()).isZero();

        Result run = cli(withServer("mqtt", "--cert", issued.toString(), "--cert-key", key.toString()));

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).contains("registering '" + id + "'").containsPattern("(?m)^  device id: +" + id + "$");
        assertThat(record(id).enrollmentGroupId()).isEqualTo("cli-group");
    }

    @Test
    void issuedCert_thatExists_isKeptWithoutForce_andReplacedWithForce() throws Exception {
        String id = "cli-csr-force";
        Path issued = Files.writeString(dir.resolve("issued-force.pem"), "keep me\n");
        Path csr = pemCsr(id, IssuedChains.newKey());

        Result kept = register("mqtt", id, "--group-key", GROUP_KEY, "--csr", csr.toString(), "--issued-cert",
                issued.toString());
        assertThat(kept.exitCode()).as(kept.toString()).isEqualTo(DeviceRegisterCommand.BAD_ARGUMENTS);
        assertThat(kept.err()).contains("--issued-cert " + issued + " already exists (use --force to overwrite it)");
        assertThat(kept.out()).isEmpty();
        assertThat(Files.readString(issued)).isEqualTo("keep me\n");

        Result replaced = register("mqtt", id, "--group-key", GROUP_KEY, "--csr", csr.toString(), "--issued-cert",
                issued.toString(), "--force");
        assertThat(replaced.exitCode()).as(replaced.toString()).isZero();
        assertThat(IssuedChains.readCertificate(issued).getSubjectX500Principal().getName()).isEqualTo("CN=" + id);
    }

    @Test
    void badCsrFile_isExitCode2_withAMessage_beforeAnyConnection() throws Exception {
        String id = "cli-csr-bad";
        Path garbage = Files.writeString(dir.resolve("garbage.csr"), "not a certificate request");
        byte[] der = IssuedChains.csr(id, IssuedChains.newKey());
        der[der.length - 1] ^= 0x01;
        Path tampered = Files.write(dir.resolve("tampered.csr"), der);

        Result notCsr = register("mqtt", id, "--group-key", GROUP_KEY, "--csr", garbage.toString());
        Result certificate = register("mqtt", id, "--group-key", GROUP_KEY, "--csr", file("root.pem"));
        Result missing = register("mqtt", id, "--group-key", GROUP_KEY, "--csr", file("no-such.csr"));
        Result badSignature = register("mqtt", id, "--group-key", GROUP_KEY, "--csr", tampered.toString());
        Result issuedWithoutCsr = register("mqtt", id, "--group-key", GROUP_KEY, "--issued-cert",
                file("issued-bad.pem"));

        assertThat(List.of(notCsr, certificate, missing, badSignature, issuedWithoutCsr)).allSatisfy(r -> {
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(DeviceRegisterCommand.BAD_ARGUMENTS);
            assertThat(r.out()).isEmpty();
        });
        assertThat(notCsr.err()).contains("--csr " + garbage + ": neither a PEM 'CERTIFICATE REQUEST' nor a DER"
                + " PKCS#10 request");
        assertThat(certificate.err()).contains("--csr " + file("root.pem")
                + ": holds no PEM block '-----BEGIN CERTIFICATE REQUEST-----'");
        assertThat(missing.err()).contains("--csr " + file("no-such.csr") + ": no such file");
        assertThat(badSignature.err()).contains("--csr " + tampered + ": ");
        assertThat(issuedWithoutCsr.err()).contains("--issued-cert needs --csr");
        assertThat(Files.exists(dir.resolve("issued-bad.pem"))).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"mqtt", "mqttws", "https"})
    void csrForAnotherCn_isRefusedWithExitCode1_andTheServersReason(String transport) throws Exception {
        String id = "cli-csr-refused-" + transport;
        Path issued = dir.resolve("issued-refused-" + transport + ".pem");

        Result run = register(transport, id, "--group-key", GROUP_KEY, "--csr",
                pemCsr("someone-else", IssuedChains.newKey()).toString(), "--issued-cert", issued.toString());

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(DeviceRegisterCommand.REFUSED);
        assertThat(run.err()).contains("note: the CSR's CN is 'someone-else'");
        assertThat(run.out()).containsPattern("(?m)^refused: HTTP 400, errorCode 400001: certificate signing request"
                + " refused: .+ \\(trackingId .+\\)$");
        assertThat(Files.exists(issued)).isFalse();
    }

    @Test
    void noServerListening_isExitCode3() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }

        Result run = cli("device", "register", "cli-nobody", "--key", newKey(), "--data-dir", file("data"),
                "--port", Integer.toString(port), "--timeout", "5s");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(DeviceRegisterCommand.NO_VERDICT);
        assertThat(run.out()).contains("no verdict: ", "connect_refused");
    }

    @Test
    void badArguments_areExitCode2_beforeAnyConnection() {
        Result noScope = cli("device", "register", "cli-bad", "--key", newKey(), "--data-dir", file("no-such-dir"));
        Result badKey = cli(withServer("mqtt", "cli-bad", "--key", "not base64!"));
        Result badPayload = cli(withServer("mqtt", "cli-bad", "--key", newKey(), "--payload", "{not json"));
        Result twoAttestations = cli(withServer("mqtt", "cli-bad", "--key", newKey(), "--group-key", GROUP_KEY));
        Result noAttestation = cli(withServer("mqtt", "cli-bad"));

        assertThat(noScope.exitCode()).isEqualTo(2);
        assertThat(noScope.err()).contains("--id-scope is required");
        assertThat(badKey.exitCode()).isEqualTo(2);
        assertThat(badKey.err()).contains("--key is not base64");
        assertThat(badPayload.exitCode()).isEqualTo(2);
        assertThat(badPayload.err()).contains("--payload is not JSON");
        assertThat(twoAttestations.exitCode()).isEqualTo(2);
        assertThat(noAttestation.exitCode()).isEqualTo(2);
        assertThat(List.of(noScope, badKey, badPayload)).allSatisfy(r -> assertThat(r.out()).isEmpty());
    }

    @Test
    void deviceCommand_andCertDevice_areDifferentCommands() {
        assertThat(cli("device", "--help").out()).contains("register");
        assertThat(cli("cert", "device", "--help").out()).contains("--cn");
    }

    private record Result(int exitCode, String out, String err) {
    }

    private static Result register(String transport, String id, String... attestation) {
        List<String> args = new ArrayList<>(List.of(id));
        args.addAll(Arrays.asList(attestation));
        return cli(withServer(transport, args.toArray(String[]::new)));
    }

    /** {@code device register} at this server's port for the transport; id scope and CA from its data directory. */
    private static String[] withServer(String transport, String... args) {
        List<String> all = new ArrayList<>(List.of("device", "register"));
        all.addAll(Arrays.asList(args));
        all.addAll(List.of("--transport", transport, "--data-dir", file("data"), "--port",
                Integer.toString(transport.equals("mqtt") ? server.mqttPort() : server.httpsPort())));
        return all.toArray(String[]::new);
    }

    private static Result cli(String... args) {
        CommandLine commandLine = new CommandLine(new DpsemuCommand());
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        int exitCode = commandLine.execute(args);
        return new Result(exitCode, out.toString(), err.toString());
    }

    private static RegistrationRecord record(String id) {
        return server.store().findRegistration(id).orElseThrow();
    }

    private static String file(String name) {
        return dir.resolve(name).toString();
    }

    private static String seedFile() throws IOException {
        StringBuilder yaml = new StringBuilder("enrollments:\n");
        INDIVIDUAL_KEYS.forEach((transport, key) -> yaml.append("  - registrationId: cli-key-").append(transport)
                .append("\n    attestation: {type: symmetricKey, symmetricKey: {primaryKey: '").append(key)
                .append("', secondaryKey: '").append(newKey()).append("'}}\n"));
        yaml.append("enrollmentGroups:\n")
                .append("  - enrollmentGroupId: cli-group\n")
                .append("    attestation: {type: symmetricKey, symmetricKey: {primaryKey: '").append(GROUP_KEY)
                .append("', secondaryKey: '").append(newKey()).append("'}}\n")
                .append("  - enrollmentGroupId: cli-x509\n")
                .append("    attestation:\n      type: x509\n      x509:\n        signingCertificates:\n")
                .append("          primary:\n            certificate: |\n");
        Files.readString(dir.resolve("root.pem")).strip().lines()
                .forEach(line -> yaml.append("              ").append(line).append("\n"));
        return yaml.toString();
    }

    private static Path pemCsr(String commonName, KeyPair keys) throws IOException {
        return pemCsr(commonName, IssuedChains.csr(commonName, keys));
    }

    /** As {@code openssl req} writes it by default. */
    private static Path pemCsr(String name, byte[] der) throws IOException {
        return Files.writeString(dir.resolve(name + "-" + System.nanoTime() + ".csr"),
                "-----BEGIN CERTIFICATE REQUEST-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'})
                        .encodeToString(der) + "\n-----END CERTIFICATE REQUEST-----\n");
    }

    /** As {@code openssl req -outform DER} writes it. */
    private static Path derCsr(String name, byte[] der) throws IOException {
        return Files.write(dir.resolve(name + "-" + System.nanoTime() + ".der"), der);
    }

    private static String localCaSubject() {
        return IssuedChains.readCertificate(dir.resolve("data/tls/ca.pem")).getSubjectX500Principal()
                .getName(X500Principal.RFC2253);
    }

    private static String newKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }
}
