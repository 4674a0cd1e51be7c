package io.dpsemu.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The release archive as a plant without network gets it ({@code target/dpsemu-<version>.tar.gz}, made
 * by {@code mvn package}): unpacked with {@code tar} and run through its own {@code bin/dpsemu}, with
 * the Java of this build found through {@code JAVA_HOME}.
 */
@Timeout(360)
class ReleaseArchiveIT {

    private static final String VERSION = System.getProperty("dpsemu.version");
    /** The uid the container image runs as: the data directory of the test belongs to root instead. */
    private static final String CONTAINER_UID = "10001";
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration SMOKE_TIMEOUT = Duration.ofSeconds(300);
    private static final int EXIT_UNWRITABLE_DIRECTORY = 3;

    @TempDir
    static Path unpacked;

    @TempDir
    Path work;

    private static Path home;

    @BeforeAll
    static void unpack() throws Exception {
        assertThat(VERSION).as("dpsemu.version, set by the build for failsafe").isNotBlank();
        Path archive = Path.of("target", "dpsemu-" + VERSION + ".tar.gz");
        assertThat(archive).as("the release archive (mvn package)").exists();
        Result tar = run(List.of("tar", "-xzf", archive.toAbsolutePath().toString(), "-C", unpacked.toString()),
                Map.of());
        assertThat(tar.exitCode()).as(tar.output()).isZero();
        home = unpacked.resolve("dpsemu-" + VERSION);
        // another uid runs the launcher in one test: the unpacked tree is world-readable, as under /opt
        Files.setPosixFilePermissions(unpacked, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @Test
    void archive_holdsLauncherJarExampleConfigurationSystemdUnitAndReadme() throws IOException {
        assertThat(home.resolve("bin/dpsemu")).isExecutable();
        assertThat(home.resolve("lib/dpsemu.jar")).isRegularFile();
        assertThat(home.resolve("conf/dpsemu.yaml")).isRegularFile();
        assertThat(home.resolve("conf/jvm.options")).content().contains("-XX:TrimNativeHeapInterval=5000");
        assertThat(home.resolve("README.md")).content().contains("Java 17");
        assertThat(home.resolve("systemd/dpsemu.service")).content()
                .contains("User=dpsemu", "StateDirectory=dpsemu", "LimitNOFILE=",
                        "ExecStart=/opt/dpsemu/bin/dpsemu serve --config /etc/dpsemu/dpsemu.yaml");
        Path license = Path.of("..", "LICENSE");
        if (Files.exists(license)) {
            assertThat(home.resolve("LICENSE")).hasSameTextualContentAs(license);
        }
    }

    @Test
    void version_printsTheVersionOfTheBuild() throws Exception {
        Result result = dpsemu(Map.of(), "--version");

        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output().strip()).isEqualTo("dpsemu " + VERSION);
    }

    @Test
    void launcher_withoutJava_failsSayingWhatToInstall() throws Exception {
        Path tools = Files.createDirectory(work.resolve("tools"));
        for (String tool : List.of("bash", "sed", "dirname", "readlink")) {
            Files.copy(which(tool), tools.resolve(tool), StandardCopyOption.COPY_ATTRIBUTES);
        }
        Result result = run(List.of(which("bash").toString(), home.resolve("bin/dpsemu").toString(), "--version"),
                Map.of("PATH", tools.toString(), "JAVA_HOME", ""));

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.output()).contains("no Java found", "Java 17 or newer", "JAVA_HOME");
    }

    @Test
    void launcher_withAJavaOlderThan17_failsNamingIt() throws Exception {
        Path oldJava = Files.createDirectories(work.resolve("jdk-11/bin")).resolve("java");
        Files.writeString(oldJava, "#!/bin/sh\necho '    java.specification.version = 11' >&2\n");
        Files.setPosixFilePermissions(oldJava, PosixFilePermissions.fromString("rwxr-xr-x"));

        Result result = dpsemu(Map.of("JAVA_HOME", work.resolve("jdk-11").toString()), "--version");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.output()).contains(oldJava.toString(), "is Java 11", "needs Java 17 or newer");
    }

    @Test
    void serve_withTheExampleConfiguration_provisionsADeviceWithNoNetworkAtAll() throws Exception {
        Result smoke = smoke(false);

        assertThat(smoke.exitCode()).as("smoke.sh:\n%s\nserve log:\n%s\nloadgen:\n%s", smoke.output(),
                read(work.resolve("serve.log")), read(work.resolve("loadgen.log"))).isZero();
        assertThat(read(work.resolve("serve.log"))).contains("dpsemu ready", "store=sqlite").doesNotContain("\tat ");
        JsonNode summary = new ObjectMapper().readTree(work.resolve("loadgen.json").toFile());
        assertThat(summary.path("assigned").asInt()).as(summary.toString()).isEqualTo(1);
        assertThat(summary.path("errors").size()).as(summary.toString()).isZero();
    }

    @Test
    void nativeLibraries_unpackToDpsemuNativeDir_whenTheTemporaryDirectoryIsNoexec() throws Exception {
        Result smoke = smoke(true);

        String log = read(work.resolve("serve.log"));
        assertThat(smoke.exitCode()).as("smoke.sh:\n%s\nserve log:\n%s", smoke.output(), log).isZero();
        assertThat(log).contains("TLS provider: OpenSSL", "dpsemu ready", "store=sqlite")
                .doesNotContain("UnsatisfiedLinkError", "failed to map segment", "\tat ");
    }

    @Test
    void dataDirectoryOfAnotherUid_isOneMessageNamingItAndTheUid_withExitStatus3() throws Exception {
        Path data = Files.createDirectory(work.resolve("data"));
        List<String> command = new ArrayList<>();
        String uid;
        String fix;
        if (isRoot()) {
            // as the image does: the server runs as uid 10001 on a directory that belongs to root
            assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")), "needs setpriv (util-linux) to drop root");
            Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwx------"));
            command.addAll(List.of("/usr/bin/setpriv", "--reuid", CONTAINER_UID, "--regid", CONTAINER_UID,
                    "--clear-groups"));
            uid = CONTAINER_UID;
            fix = "chown -R " + uid + " " + data;
        } else {
            Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("r-x------"));
            uid = ownUid();
            fix = "chmod -R u+rwX " + data;
        }
        command.addAll(List.of(home.resolve("bin/dpsemu").toString(), "serve", "--data-dir", data.toString(),
                "--bind", "127.0.0.1", "--mqtt-port", "0", "--https-port", "0"));

        Result result = run(command, Map.of("JAVA_HOME", javaHome()));

        assertThat(result.exitCode()).as(result.output()).isEqualTo(EXIT_UNWRITABLE_DIRECTORY);
        assertThat(result.output().strip().lines()).as("one message, no stack trace").singleElement().asString()
                .startsWith("dpsemu: the data directory " + data + " is not writable by uid " + uid)
                .contains("belongs to uid", fix, "--data-dir or DPSEMU_DATA_DIR");
    }

    @Test
    void dataDirectoryBelowAFile_isOneMessageNamingTheFile_withExitStatus3() throws Exception {
        Path file = Files.writeString(work.resolve("not-a-directory"), "x");

        Result result = dpsemu(Map.of(), "serve", "--data-dir", file.resolve("data").toString(), "--bind",
                "127.0.0.1", "--mqtt-port", "0", "--https-port", "0");

        assertThat(result.exitCode()).as(result.output()).isEqualTo(EXIT_UNWRITABLE_DIRECTORY);
        assertThat(result.output().strip().lines()).as("one message, no stack trace").singleElement().asString()
                .contains("the data directory " + file.resolve("data") + " cannot be created",
                        file + " is a file, not a directory", "--data-dir or DPSEMU_DATA_DIR");
    }

    /**
     * Runs smoke.sh in new network and mount namespaces: root's, or an unprivileged user's where the
     * kernel allows them. Only loopback exists there.
     */
    private Result smoke(boolean noexecTemporaryDirectory) throws Exception {
        List<String> isolation = isRoot() ? List.of("unshare", "--net", "--mount")
                : List.of("unshare", "--map-root-user", "--net", "--mount");
        List<String> probe = new ArrayList<>(isolation);
        probe.addAll(List.of("ip", "link", "set", "lo", "up"));
        assumeTrue(run(probe, Map.of()).exitCode() == 0,
                "needs network and mount namespaces (unshare) and ip (iproute2) to bring up their loopback");
        Path script = Path.of("target", "test-classes", "release-archive", "smoke.sh").toAbsolutePath();
        List<String> command = new ArrayList<>(isolation);
        command.addAll(List.of("bash", script.toString(), home.toString(), work.toString()));
        if (noexecTemporaryDirectory) {
            command.add(work.resolve("tmp").toString());
        }
        return run(command, Map.of("JAVA_HOME", javaHome()), SMOKE_TIMEOUT);
    }

    private Result dpsemu(Map<String, String> env, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(home.resolve("bin/dpsemu").toString()));
        command.addAll(List.of(args));
        Map<String, String> environment = new HashMap<>(Map.of("JAVA_HOME", javaHome()));
        environment.putAll(env);
        return run(command, environment);
    }

    private record Result(int exitCode, String output) {
    }

    private static Result run(List<String> command, Map<String, String> env) throws Exception {
        return run(command, env, COMMAND_TIMEOUT);
    }

    /**
     * Runs a command with this environment less its DPSEMU_ variables, plus {@code env} (an empty value
     * removes the variable); its output and errors together.
     */
    private static Result run(List<String> command, Map<String, String> env, Duration timeout) throws Exception {
        Path output = Files.createTempFile("release-archive-it", ".out");
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(output.toFile());
            builder.environment().keySet().removeIf(name -> name.startsWith("DPSEMU_"));
            env.forEach((name, value) -> {
                if (value.isEmpty()) {
                    builder.environment().remove(name);
                } else {
                    builder.environment().put(name, value);
                }
            });
            Process process = builder.start();
            if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                return new Result(-1, "timed out after " + timeout + ":\n" + read(output));
            }
            return new Result(process.exitValue(), read(output));
        } finally {
            Files.deleteIfExists(output);
        }
    }

    private static String read(Path file) throws IOException {
        return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "(no " + file + ")";
    }

    private static String javaHome() {
        return System.getProperty("java.home");
    }

    private static Path which(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            Path candidate = Path.of(dir, tool);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException(tool + " is not on the PATH");
    }

    private static boolean isRoot() throws IOException {
        return ownUid().equals("0");
    }

    private static String ownUid() throws IOException {
        return String.valueOf(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
    }
}
