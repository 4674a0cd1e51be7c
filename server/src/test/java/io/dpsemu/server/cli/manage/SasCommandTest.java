package io.dpsemu.server.cli.manage;

import static org.assertj.core.api.Assertions.assertThat;

import io.dpsemu.server.rawhttp.RawHttpsClient;
import io.dpsemu.server.rawhttp.RawHttpsClient.Response;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code dpsemu sas}: the tokens it prints are accepted by a real server, used by a raw HTTPS client. */
class SasCommandTest {

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

    @Test
    void deviceToken_fromAGroupKey_registersTheDeviceOverTheDeviceApi() throws IOException {
        String groupKey = server.run("group", "add", "sas-group", "--json").assertSucceeded().json()
                .path("attestation").path("symmetricKey").path("primaryKey").asText();

        ManageCli.Result sas = ManageCli.run("sas", "device", "--registration-id", "sas-dev-1", "--group-key",
                groupKey, "--data-dir", dataDir.toString(), "--ttl", "10m").assertSucceeded();

        String token = sas.out().strip();
        assertThat(token).startsWith("SharedAccessSignature sr=" + server.idScope() + "%2Fregistrations%2Fsas-dev-1&")
                .contains("&skn=registration");
        assertThat(sas.err()).startsWith("valid until ");
        assertThat(registerWith("sas-dev-1", token).status()).isEqualTo(202);
    }

    @Test
    void deviceToken_ofAnIndividualKey_withAnExplicitIdScope() throws IOException {
        String key = EnrollmentCommandTest.newKey();
        server.run("enrollment", "add", "sas-dev-2", "--key", key).assertSucceeded();

        String token = ManageCli.run("sas", "device", "--registration-id", "sas-dev-2", "--key", key, "--id-scope",
                server.idScope(), "--data-dir", dataDir.resolve("elsewhere").toString()).assertSucceeded().out()
                .strip();
        String wrong = ManageCli.run("sas", "device", "--registration-id", "sas-dev-2", "--key",
                EnrollmentCommandTest.newKey(), "--data-dir", dataDir.toString()).assertSucceeded().out().strip();

        assertThat(registerWith("sas-dev-2", token).status()).isEqualTo(202);
        assertThat(registerWith("sas-dev-2", wrong).status()).isEqualTo(401);
    }

    @Test
    void serviceToken_ofTheOwnerPolicyInTheDataDir_isAcceptedByTheServiceApi() throws IOException {
        String fromDataDir = ManageCli.run("sas", "service", "--data-dir", dataDir.toString()).assertSucceeded()
                .out().strip();
        String explicit = ManageCli.run("sas", "service", "--policy", "provisioningserviceowner", "--key",
                server.ownerKey(), "--host", "localhost", "--ttl", "5m").assertSucceeded().out().strip();
        String fromEnvironment = ManageCli.run(Map.of("DPSEMU_CONNECTION_STRING", "HostName=localhost;"
                + "SharedAccessKeyName=provisioningserviceowner;SharedAccessKey=" + server.ownerKey()),
                "sas", "service").assertSucceeded().out().strip();

        assertThat(fromDataDir).startsWith("SharedAccessSignature sr=localhost&sig=")
                .endsWith("&skn=provisioningserviceowner");
        for (String token : new String[] {fromDataDir, explicit, fromEnvironment}) {
            assertThat(listRegistrationsWith(token).status()).as(token).isEqualTo(200);
        }
        String otherHost = ManageCli.run("sas", "service", "--data-dir", dataDir.toString(), "--host",
                "other-dps.example").assertSucceeded().out().strip();
        assertThat(listRegistrationsWith(otherHost).status()).isEqualTo(401);
    }

    @Test
    void badInput_isExitCode2_namingTheOption() {
        ManageCli.run("sas", "device", "--registration-id", "x", "--key", "not base64!", "--id-scope", "s")
                .assertBadInput("--key");
        ManageCli.run("sas", "device", "--registration-id", "x", "--key", EnrollmentCommandTest.newKey(),
                "--data-dir", dataDir.resolve("none").toString()).assertBadInput("--id-scope");
        ManageCli.run("sas", "device", "--registration-id", "x", "--id-scope", "s").assertBadInput("--key");
        ManageCli.run("sas", "service", "--policy", "p").assertBadInput("--policy");
        ManageCli.run("sas", "service", "--data-dir", dataDir.toString(), "--ttl", "0s").assertBadInput("--ttl");
    }

    private static Response registerWith(String registrationId, String token) throws IOException {
        try (RawHttpsClient client = RawHttpsClient.connect(server.port(), server.caCertificate())) {
            return client.exchange(RawHttpsClient.request("PUT", "/" + server.idScope() + "/registrations/"
                            + registrationId + "/register?api-version=2019-03-31")
                    .header("Host", client.host())
                    .header("Content-Type", "application/json; charset=utf-8")
                    .header("Authorization", token)
                    .body("{\"registrationId\":\"" + registrationId + "\"}"));
        }
    }

    private static Response listRegistrationsWith(String token) throws IOException {
        try (RawHttpsClient client = RawHttpsClient.connect(server.port(), server.caCertificate())) {
            return client.exchange(RawHttpsClient.request("GET", "/registrations?api-version=2021-10-01")
                    .header("Host", client.host())
                    .header("Authorization", token));
        }
    }
}
