package io.dpsemu.server.cli.manage;

import static org.assertj.core.api.Assertions.assertThat;

import io.dpsemu.server.config.ConfigLoader;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How the management commands find, trust and authenticate to the server, and how they fail. */
class ConnectionTest {

    private static final String READER_KEY = "cmVhZGVyLWtleS1mb3ItdGVzdHMtMDEyMzQ1Njc4OQ==";

    @TempDir
    static Path dataDir;

    @TempDir
    Path files;

    private static ManageServer server;

    @BeforeAll
    static void startServer() {
        server = ManageServer.start(dataDir, Map.of("service.policies", List.of(Map.of(
                "name", "reader", "rights", List.of("EnrollmentRead"), "primaryKey", READER_KEY))));
        server.run("enrollment", "add", "connection-01").assertSucceeded();
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    private String connectionString(String keyName, String key) {
        return "HostName=localhost;SharedAccessKeyName=" + keyName + ";SharedAccessKey=" + key;
    }

    @Test
    void connectionString_withTheOwnerKey_works() {
        ManageCli.run("enrollment", "show", "connection-01", "--connection-string",
                connectionString("provisioningserviceowner", server.ownerKey()), "--port", port(),
                "--ca", ca()).assertSucceeded();
    }

    @Test
    void connectionString_withPortInHostName_works() {
        ManageCli.run("enrollment", "show", "connection-01", "--connection-string",
                "HostName=LocalHost:" + port() + ";SharedAccessKeyName=provisioningserviceowner;SharedAccessKey="
                        + server.ownerKey(), "--ca", ca()).assertSucceeded();
    }

    @Test
    void environmentVariable_isUsedWithoutTheFlag_andTheFlagWins() {
        Map<String, String> environment = Map.of(ConnectionOptions.ENV_CONNECTION_STRING,
                connectionString("provisioningserviceowner", server.ownerKey()));

        ManageCli.run(environment, "enrollment", "show", "connection-01", "--port", port(), "--ca", ca())
                .assertSucceeded();
        ManageCli.run(environment, "enrollment", "show", "connection-01", "--port", port(), "--ca", ca(),
                "--connection-string", connectionString("provisioningserviceowner", READER_KEY))
                .assertFailed("not authorized", "--connection-string");
    }

    @Test
    void wrongKey_isNotAuthorized() {
        ManageCli.Result result = ManageCli.run("enrollment", "list", "--connection-string",
                connectionString("provisioningserviceowner", READER_KEY), "--port", port(), "--ca", ca());

        result.assertFailed("not authorized:", "signature", "errorCode 401");
    }

    @Test
    void unknownPolicy_isNotAuthorized() {
        ManageCli.run("enrollment", "list", "--connection-string", connectionString("nobody", READER_KEY),
                "--port", port(), "--ca", ca()).assertFailed("not authorized:", "nobody");
    }

    @Test
    void wrongKeyInTheEnvironment_isNotAuthorizedAndNamesTheVariable() {
        ManageCli.run(Map.of(ConnectionOptions.ENV_CONNECTION_STRING,
                        connectionString("provisioningserviceowner", READER_KEY)),
                "enrollment", "list", "--port", port(), "--ca", ca())
                .assertFailed("not authorized:", ConnectionOptions.ENV_CONNECTION_STRING);
    }

    @Test
    void policyWithoutTheRight_isNotAuthorized403() {
        String reader = connectionString("reader", READER_KEY);

        ManageCli.run("enrollment", "show", "connection-01", "--connection-string", reader, "--port", port(),
                "--ca", ca()).assertSucceeded();
        ManageCli.run("enrollment", "delete", "connection-01", "--connection-string", reader, "--port", port(),
                "--ca", ca()).assertFailed("not authorized:", "EnrollmentWrite", "errorCode 403");
    }

    @Test
    void malformedConnectionString_isBadInput() {
        ManageCli.run("enrollment", "list", "--connection-string", "just-a-host", "--port", port())
                .assertBadInput("--connection-string");
        ManageCli.run("enrollment", "list", "--connection-string", "HostName=localhost", "--port", port())
                .assertBadInput("--connection-string");
        ManageCli.run("enrollment", "list", "--connection-string",
                connectionString("provisioningserviceowner", "***"), "--port", port())
                .assertBadInput("--connection-string");
    }

    @Test
    void missingDataDirectory_isBadInputNamingIt() {
        ManageCli.run("enrollment", "list", "--data-dir", files.resolve("absent").toString(), "--port", port())
                .assertBadInput("--data-dir");
    }

    @Test
    void dataDirectory_suppliesKeyAndCa() {
        ManageCli.run("enrollment", "show", "connection-01", "--data-dir", dataDir.toString(), "--port", port())
                .assertSucceeded();
    }

    @Test
    void serverEnvironment_dataDirAndHttpsPort_findTheLocalServerWithoutFlags() {
        Map<String, String> serverEnvironment = Map.of(DataDirectory.ENV, dataDir.toString(),
                ConnectionOptions.ENV_HTTPS_PORT, port());

        ManageCli.run(serverEnvironment, "enrollment", "show", "connection-01").assertSucceeded();
        ManageCli.run(serverEnvironment, "enrollment", "list", "--data-dir", files.resolve("absent").toString())
                .assertBadInput("--data-dir");
    }

    @Test
    void serverEnvironmentVariables_areTheServersOwnNamesForTheseKeys() {
        assertThat(DataDirectory.ENV).isEqualTo(ConfigLoader.environmentName("dataDir"));
        assertThat(ConnectionOptions.ENV_HTTPS_PORT).isEqualTo(ConfigLoader.environmentName("httpsPort"));
    }

    @Test
    void httpsPortVariableThatIsNoPort_isBadInputNamingIt() {
        for (String value : new String[] {"https", "0", "70000"}) {
            ManageCli.run(Map.of(ConnectionOptions.ENV_HTTPS_PORT, value), "enrollment", "list", "--data-dir",
                    dataDir.toString()).assertBadInput(ConnectionOptions.ENV_HTTPS_PORT);
        }
    }

    @Test
    void untrustedServerCertificate_failsNamingTheCaOption() throws IOException {
        Path otherCa = files.resolve("other-ca.pem");
        ManageCli.run("cert", "ca", "--out-cert", otherCa.toString(), "--out-key",
                files.resolve("other-ca-key.pem").toString()).assertSucceeded();

        ManageCli.run("enrollment", "list", "--data-dir", dataDir.toString(), "--port", port(), "--ca",
                otherCa.toString()).assertFailed("TLS", otherCa.toString());
        ManageCli.run("enrollment", "list", "--connection-string",
                connectionString("provisioningserviceowner", server.ownerKey()), "--data-dir",
                files.toString(), "--port", port()).assertFailed("TLS", "--ca");
        assertThat(Files.exists(files.resolve("tls"))).isFalse();
    }

    @Test
    void missingCaFile_isBadInput() {
        ManageCli.run("enrollment", "list", "--data-dir", dataDir.toString(), "--port", port(), "--ca",
                files.resolve("missing.pem").toString()).assertBadInput("--ca");
    }

    @Test
    void noServerOnThePort_failsSayingSo() throws IOException {
        int free;
        try (ServerSocket socket = new ServerSocket(0)) {
            free = socket.getLocalPort();
        }

        ManageCli.run("enrollment", "list", "--data-dir", dataDir.toString(), "--port", Integer.toString(free))
                .assertFailed("cannot connect", Integer.toString(free));
    }

    @Test
    void portOutOfRange_isBadInput() {
        ManageCli.run("enrollment", "list", "--data-dir", dataDir.toString(), "--port", "70000")
                .assertBadInput("--port");
    }

    private static String port() {
        return Integer.toString(server.port());
    }

    private static String ca() {
        return dataDir.resolve("tls").resolve("ca.pem").toString();
    }
}
