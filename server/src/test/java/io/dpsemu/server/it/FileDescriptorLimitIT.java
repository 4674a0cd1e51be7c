package io.dpsemu.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.dpsemu.server.rawmqtt.RawMqttDevice;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged server ({@code target/dpsemu.jar}: its classes load from one open file, as in
 * production, which matters once descriptors run out) in a child JVM under a small descriptor limit
 * ({@code prlimit --nofile}), flooded with more TCP connections than it may open.
 */
@Timeout(300)
class FileDescriptorLimitIT {

    private static final int DESCRIPTOR_LIMIT = 1024;
    private static final int FLOOD = 1500;
    private static final Path PRLIMIT = Path.of("/usr/bin/prlimit");
    private static final Path JAR = Path.of("target", "dpsemu.jar");
    private static final Duration PATIENCE = Duration.ofSeconds(90);
    private static final Pattern READY =
            Pattern.compile("dpsemu ready: idScope=(\\S+) mqtt=\\S+:(\\d+) https=\\S+:(\\d+)");
    private static final String GROUP_KEY = RawMqttDevice.newKey();

    @TempDir
    Path dir;

    @Test
    void floodBeyondTheDescriptorLimit_isRefusedByTheConnectionCapAndTheServerServesAfterwards() throws Exception {
        try (ChildServer server = ChildServer.start(dir, Map.of())) {
            List<Socket> flood = flood(server.mqttPort);
            await().atMost(PATIENCE).until(() -> server.output().contains("DPS-1003")
                    || server.output().contains("Too many open files"));
            close(flood);

            assertThat(provision(server, "fd-after-flood")).isEqualTo("assigned");
            assertThat(server.output()).doesNotContain("Too many open files").doesNotContain("\tat ")
                    .as("the start-up warning that the descriptor limit lowered the cap")
                    .contains("limits.reservedFileDescriptors");
        }
    }

    @Test
    void acceptFailures_whenDescriptorsRunOut_areSummarizedWithoutStackTracesAndTheServerRecovers() throws Exception {
        try (ChildServer server = ChildServer.start(dir, Map.of("DPSEMU_LIMITS_RESERVED_FILE_DESCRIPTORS", "0"))) {
            List<Socket> flood = flood(server.mqttPort);
            await().atMost(PATIENCE).until(() -> server.output().contains("DPS-1004"));
            close(flood);

            assertThat(provision(server, "fd-recovered")).isEqualTo("assigned");
            assertThat(server.output()).contains("Too many open files").doesNotContain("\tat ")
                    .doesNotContain("reached at the tail of the pipeline");
        }
    }

    /** Plain TCP connections that send nothing; those the server's backlog cannot take are skipped. */
    private static List<Socket> flood(int port) {
        List<Socket> sockets = new ArrayList<>();
        for (int i = 0; i < FLOOD; i++) {
            try {
                Socket socket = new Socket();
                socket.connect(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2000);
                sockets.add(socket);
            } catch (IOException full) {
                // refused or timed out: the flood is big enough anyway
            }
        }
        return sockets;
    }

    private static void close(List<Socket> sockets) throws IOException {
        for (Socket socket : sockets) {
            socket.close();
        }
    }

    /** Registers a member of the seeded group over the HTTPS device API; the final status. */
    private static String provision(ChildServer server, String registrationId) throws Exception {
        DeviceRequests device = DeviceRequests.ofGroupMember(server.idScope, GROUP_KEY, registrationId);
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        try (DeviceApiConnection connection = new DeviceApiConnection("localhost", server.httpsPort,
                DeviceApiConnection.trusting(List.of(server.dataDir.resolve("tls").resolve("ca.pem"))), 10_000)) {
            String operationId = null;
            while (System.nanoTime() < deadline) {
                DeviceApiConnection.Response response;
                try {
                    response = operationId == null
                            ? connection.exchange("PUT", device.registerTarget(), device.authorization(),
                                    device.registerBody())
                            : connection.exchange("GET", device.operationTarget(operationId), device.authorization(),
                                    null);
                } catch (IOException notYet) {
                    Thread.sleep(500);
                    continue;
                }
                if (response.status() == 200) {
                    return response.json().path("status").asText();
                }
                if (response.status() == 202 && operationId == null) {
                    operationId = response.json().path("operationId").asText();
                }
                Thread.sleep(500);
            }
        }
        return fail("not provisioned within " + PATIENCE + ":\n" + server.output());
    }

    /** {@code dpsemu serve} from the jar under {@code prlimit --nofile}, with its output in a file. */
    private static final class ChildServer implements AutoCloseable {

        private final Process process;
        private final Path log;
        private final Path dataDir;
        private String idScope;
        private int mqttPort;
        private int httpsPort;

        private ChildServer(Process process, Path log, Path dataDir) {
            this.process = process;
            this.log = log;
            this.dataDir = dataDir;
        }

        static ChildServer start(Path dir, Map<String, String> env) throws Exception {
            assumeTrue(Files.isExecutable(PRLIMIT), "needs prlimit (util-linux) to lower the descriptor limit");
            assertThat(JAR).as("the packaged server (mvn package)").exists();
            Path seed = dir.resolve("seed.yaml");
            Files.writeString(seed, "enrollmentGroups:\n  - enrollmentGroupId: fd-group\n    attestation:\n"
                    + "      type: symmetricKey\n      symmetricKey:\n        primaryKey: " + GROUP_KEY + "\n");
            Path dataDir = dir.resolve("data");
            Path log = dir.resolve("dpsemu.log");
            ProcessBuilder builder = new ProcessBuilder(PRLIMIT.toString(),
                    "--nofile=" + DESCRIPTOR_LIMIT + ":" + DESCRIPTOR_LIMIT,
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m", "-jar",
                    JAR.toString(), "serve", "--data-dir", dataDir.toString(), "--store", "memory",
                    "--bind", "127.0.0.1", "--mqtt-port", "0", "--https-port", "0", "--enrollments", seed.toString())
                    .redirectErrorStream(true).redirectOutput(log.toFile());
            builder.environment().keySet().removeIf(k -> k.startsWith("DPSEMU_"));
            builder.environment().put("DPSEMU_PROVISIONING_RETRY_AFTER_SECONDS", "1");
            builder.environment().putAll(env);
            ChildServer server = new ChildServer(builder.start(), log, dataDir);
            try {
                await().atMost(PATIENCE)
                        .until(() -> READY.matcher(server.output()).find() || !server.process.isAlive());
                Matcher ready = READY.matcher(server.output());
                if (!ready.find()) {
                    fail("dpsemu did not start:\n" + server.output());
                }
                server.idScope = ready.group(1);
                server.mqttPort = Integer.parseInt(ready.group(2));
                server.httpsPort = Integer.parseInt(ready.group(3));
                return server;
            } catch (RuntimeException | AssertionError e) {
                server.close();
                throw e;
            }
        }

        String output() {
            try {
                return Files.readString(log, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void close() {
            process.destroy();
            try {
                if (!process.waitFor(20, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
