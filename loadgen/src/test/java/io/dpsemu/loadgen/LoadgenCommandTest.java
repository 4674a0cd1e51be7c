package io.dpsemu.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import io.dpsemu.loadgen.device.TestCa;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class LoadgenCommandTest {

    private static final String GROUP_KEY =
            "oiK77Oy7rBw8YB6IS6ukRChAw+Yq6GC61RMrPLSTiOOtdI+XDu0LmLuNm11p+qv2I+adqGUdZHm46zXAQdZoOA==";

    @TempDir
    Path dir;

    private final StringWriter err = new StringWriter();

    @Test
    void noIdScope_isAUsageError() {
        assertThat(execute("--group-key", GROUP_KEY)).isEqualTo(2);
        assertThat(err.toString()).contains("--id-scope is required");
    }

    @Test
    void noAttestation_isAUsageError() {
        assertThat(execute("--id-scope", "0ne00000001")).isEqualTo(2);
        assertThat(err.toString()).contains("the devices need an attestation: --group-key, --keys or --x509-ca-cert");
    }

    @Test
    void responderSubcommand_needsNoneOfTheDeviceOptions() {
        assertThat(execute("responder", "--port", "0")).isEqualTo(1);
        assertThat(err.toString()).contains("responder: cannot connect to localhost:0");
    }

    @Test
    void twoAttestations_areAUsageError() throws Exception {
        assertThat(execute("--id-scope", "0ne00000001", "--group-key", GROUP_KEY, "--keys", keysFile(3).toString()))
                .isEqualTo(2);
        assertThat(err.toString()).contains("mutually exclusive");
    }

    @Test
    void groupKeyThatIsNotBase64_isAUsageErrorNamingTheOption() {
        assertThat(execute("--id-scope", "0ne00000001", "--group-key", "not base64!")).isEqualTo(2);
        assertThat(err.toString()).contains("--group-key key is not base64");
    }

    @Test
    void remoteHost_isRefusedWithoutAllowRemote() {
        assertThat(execute("--id-scope", "0ne00000001", "--group-key", GROUP_KEY, "--host", "203.0.113.7"))
                .isEqualTo(2);
        assertThat(err.toString()).contains("refusing to load-test '203.0.113.7'");
    }

    @Test
    void holdOverHttps_isAUsageError() {
        assertThat(execute("--id-scope", "0ne00000001", "--group-key", GROUP_KEY, "--transport", "https",
                "--hold", "10")).isEqualTo(2);
        assertThat(err.toString()).contains("--hold keeps MQTT sessions open");
    }

    @Test
    void holdWithDevices_isAUsageError() {
        assertThat(execute("--id-scope", "0ne00000001", "--group-key", GROUP_KEY, "--hold", "10", "--devices", "5"))
                .isEqualTo(2);
        assertThat(err.toString()).contains("--devices and --warmup do not apply");
    }

    @Test
    void unknownTransportOrPacing_isAUsageErrorListingTheChoices() {
        assertThat(execute("--id-scope", "s", "--group-key", GROUP_KEY, "--transport", "amqp")).isEqualTo(2);
        assertThat(err.toString()).contains("mqtt, mqttws or https");
        assertThat(execute("--id-scope", "s", "--group-key", GROUP_KEY, "--poll", "often")).isEqualTo(2);
        assertThat(err.toString()).contains("sdk or immediate");
    }

    @Test
    void timedWarmupWithAKeysFile_isAUsageError() throws Exception {
        assertThat(execute("--id-scope", "s", "--keys", keysFile(5).toString(), "--warmup", "10s")).isEqualTo(2);
        assertThat(err.toString()).contains("a timed --warmup needs --group-key");
    }

    @Test
    void moreDevicesThanTheKeysFileHolds_isAUsageError() throws Exception {
        assertThat(execute("--id-scope", "s", "--keys", keysFile(5).toString(), "--warmup", "2", "--devices", "4"))
                .isEqualTo(2);
        assertThat(err.toString()).contains("--devices 4 but only 3 devices are left after the warm-up of 2");
    }

    @Test
    void tlsResumptionWithX509_isAUsageError() throws Exception {
        TestCa ca = TestCa.write(dir);
        assertThat(execute("--id-scope", "s", "--x509-ca-cert", ca.certificate().toString(), "--x509-ca-key",
                ca.key().toString(), "--tls-resumption")).isEqualTo(2);
        assertThat(err.toString()).contains("--tls-resumption cannot go with X.509");
    }

    @Test
    void x509CaWithoutItsKey_isAUsageError() throws Exception {
        TestCa ca = TestCa.write(dir);
        assertThat(execute("--id-scope", "s", "--x509-ca-cert", ca.certificate().toString())).isEqualTo(2);
        assertThat(err.toString()).contains("--x509-ca-key");
    }

    @Test
    void warmupThatIsNeitherACountNorATime_isAUsageErrorNamingTheOption() {
        assertThat(execute("--id-scope", "s", "--group-key", GROUP_KEY, "--warmup", "lots")).isEqualTo(2);
        assertThat(err.toString()).contains("--warmup 'lots' is neither a number of devices (500) nor a time");
    }

    @Test
    void jsonFileInAMissingDirectory_isRefusedBeforeTheRun() {
        assertThat(execute("--id-scope", "s", "--group-key", GROUP_KEY, "--json", dir.resolve("no/such/dir/s.json")
                .toString())).isEqualTo(2);
        assertThat(err.toString()).contains("--json").contains("does not exist or is not writable");
    }

    @Test
    void prefixMakingInvalidIds_isAUsageError() {
        assertThat(execute("--id-scope", "s", "--group-key", GROUP_KEY, "--id-prefix", "bad/")).isEqualTo(2);
        assertThat(err.toString()).contains("--id-prefix 'bad/' does not make valid registration ids");
    }

    @Test
    void port_forAServerOnThisMachine_defaultsToThePortsOfItsEnvironment_andTheOptionWins() {
        Map<String, String> server = Map.of(LoadgenCommand.ENV_MQTT_PORT, "18883", LoadgenCommand.ENV_HTTPS_PORT,
                "18443");

        assertThat(plan(server, "--id-scope", "s", "--group-key", GROUP_KEY).port()).isEqualTo(18883);
        assertThat(plan(server, "--id-scope", "s", "--group-key", GROUP_KEY, "--transport", "mqttws").port())
                .isEqualTo(18443);
        assertThat(plan(server, "--id-scope", "s", "--group-key", GROUP_KEY, "--transport", "https").port())
                .isEqualTo(18443);
        assertThat(plan(server, "--id-scope", "s", "--group-key", GROUP_KEY, "--port", "8883").port()).isEqualTo(8883);
    }

    @Test
    void port_forARemoteServer_ignoresThisMachinesEnvironment() {
        assertThat(plan(Map.of(LoadgenCommand.ENV_MQTT_PORT, "18883"), "--id-scope", "s", "--group-key", GROUP_KEY,
                "--host", "203.0.113.7", "--allow-remote").port()).isEqualTo(8883);
    }

    @Test
    void portVariableThatIsNoPort_isAUsageErrorNamingIt() {
        assertThat(execute(Map.of(LoadgenCommand.ENV_HTTPS_PORT, "0"), "--id-scope", "s", "--group-key", GROUP_KEY,
                "--transport", "https")).isEqualTo(2);
        assertThat(err.toString()).contains("$" + LoadgenCommand.ENV_HTTPS_PORT, "'0'", "--port");
    }

    @Test
    void ca_forAServerOnThisMachine_isTheOneInTheDataDirectoryOfItsEnvironment() throws Exception {
        Path ca = Files.createDirectories(dir.resolve("data").resolve("tls")).resolve("ca.pem");
        Files.writeString(ca, "not a certificate\n");
        Map<String, String> server = Map.of(LoadgenCommand.ENV_DATA_DIR, dir.resolve("data").toString());

        assertThat(execute(server, "--id-scope", "s", "--group-key", GROUP_KEY)).as("the data directory's CA is read")
                .isEqualTo(2);
        assertThat(err.toString()).contains(ca.toString());
        Path otherCa = TestCa.write(Files.createDirectory(dir.resolve("other"))).certificate();
        assertThat(plan(server, "--id-scope", "s", "--group-key", GROUP_KEY, "--ca", otherCa.toString()).port())
                .as("--ca wins").isEqualTo(8883);
    }

    @Test
    void port_defaultsToTheTransportsSdkPort() {
        assertThat(plan("--id-scope", "s", "--group-key", GROUP_KEY).port()).isEqualTo(8883);
        assertThat(plan("--id-scope", "s", "--group-key", GROUP_KEY, "--transport", "mqttws").port()).isEqualTo(443);
        assertThat(plan("--id-scope", "s", "--group-key", GROUP_KEY, "--transport", "https").port()).isEqualTo(443);
        assertThat(plan("--id-scope", "s", "--group-key", GROUP_KEY, "--port", "18883").port()).isEqualTo(18883);
    }

    @Test
    void devices_defaultToAThousandAndAreUnboundedWhenADurationBoundsTheRun() {
        assertThat(plan("--id-scope", "s", "--group-key", GROUP_KEY).devices()).isEqualTo(1000);
        assertThat(plan("--id-scope", "s", "--group-key", GROUP_KEY, "--duration", "30s").devices())
                .isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void keysFile_measuresEveryDeviceTheWarmupLeaves() throws Exception {
        RunPlan plan = plan("--id-scope", "s", "--keys", keysFile(10).toString(), "--warmup", "4");

        assertThat(plan.devices()).isEqualTo(6);
        assertThat(plan.deviceSource().device(4).registrationId()).isEqualTo("device-4");
    }

    @Test
    void x509_makesCertificatesForTheWarmupAndTheMeasuredDevices() throws Exception {
        TestCa ca = TestCa.write(dir);

        RunPlan plan = plan("--id-scope", "s", "--x509-ca-cert", ca.certificate().toString(), "--x509-ca-key",
                ca.key().toString(), "--devices", "3", "--warmup", "2", "--id-prefix", "cert-");

        assertThat(plan.deviceSource().size()).isEqualTo(5);
        assertThat(plan.deviceSource().device(4).certificateChain()[0].getSubjectX500Principal().getName())
                .isEqualTo("CN=cert-4");
    }

    private int execute(String... args) {
        return execute(Map.of(), args);
    }

    private int execute(Map<String, String> environment, String... args) {
        LoadgenCommand loadgen = new LoadgenCommand();
        loadgen.environment(environment);
        CommandLine command = new CommandLine(loadgen);
        command.setOut(new PrintWriter(new StringWriter()));
        command.setErr(new PrintWriter(err, true));
        return command.execute(args);
    }

    private static RunPlan plan(String... args) {
        return plan(Map.of(), args);
    }

    private static RunPlan plan(Map<String, String> environment, String... args) {
        LoadgenCommand loadgen = new LoadgenCommand();
        loadgen.environment(environment);
        new CommandLine(loadgen).parseArgs(args);
        return loadgen.plan();
    }

    private Path keysFile(int devices) throws Exception {
        List<String> lines = new ArrayList<>(List.of("# registrationId,key"));
        for (int i = 0; i < devices; i++) {
            lines.add("device-" + i + ",AAECAwQFBgcICQoLDA0ODw==");
        }
        return Files.write(dir.resolve("keys.csv"), lines);
    }
}
