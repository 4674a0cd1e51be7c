package io.dpsemu.server.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.sun.security.auth.module.UnixSystem;
import io.dpsemu.store.sqlite.SqliteStore;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** What the {@code dpsemu} commands print, from a separate process as a user runs them. */
@Timeout(120)
class CommandOutputIT {

    @TempDir
    Path dir;

    @Test
    void faultHelp_printsItsExamplesWithoutAWarning() throws Exception {
        DpsemuProcess.Ran help = DpsemuProcess.run("fault", "--help");

        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).contains("# throttle 30% of").doesNotContain("%%");
        assertThat(help.err()).isEmpty();
    }

    @Test
    void certVerify_printsItsAnswerAlone_withoutTheStoresLogLine() throws Exception {
        Path ca = dir.resolve("ca.pem");
        Path caKey = dir.resolve("ca-key.pem");
        Path device = dir.resolve("device.pem");
        cert("ca", "--out-cert", ca.toString(), "--out-key", caKey.toString());
        cert("device", "--cn", "lonely-device", "--ca", ca.toString(), "--ca-key", caKey.toString(),
                "--out-cert", device.toString(), "--out-key", dir.resolve("device-key.pem").toString());
        Path data = Files.createDirectories(dir.resolve("data"));
        SqliteStore.open(data.resolve("dpsemu.db")).close();

        DpsemuProcess.Ran verify = DpsemuProcess.run("cert", "verify", "--chain", device.toString(),
                "--data-dir", data.toString());

        assertThat(verify.exitCode()).as(verify.err()).isEqualTo(1);
        assertThat(verify.out().lines().toList()).singleElement().asString()
                .startsWith("refused: ").contains("lonely-device");
        assertThat(verify.err()).isEmpty();
    }

    @Test
    void serve_whenTheConfigFileIsMissing_thenSaysNoSuchFile() throws Exception {
        Path missing = dir.resolve("missing.yaml");

        DpsemuProcess.Ran serve = DpsemuProcess.run("serve", "--config", missing.toString(), "--data-dir",
                dir.resolve("data").toString());

        assertThat(serve.exitCode()).isEqualTo(2);
        assertThat(serve.err()).isEqualTo("dpsemu: cannot read config file " + missing + ": no such file"
                + System.lineSeparator());
    }

    /**
     * Port 443 without the privilege to bind it: as root, the capability is dropped with {@code setpriv} (the
     * kernel then refuses root too); any other user lacks it already.
     */
    @Test
    void serve_whenPort443CannotBeBound_thenTheMessageSaysWhatItTakesAndHowToChooseAnotherPort() throws Exception {
        boolean root = new UnixSystem().getUid() == 0;
        assumeThat(!root || Files.isExecutable(Path.of("/usr/bin/setpriv"))).as("setpriv drops root's capability")
                .isTrue();
        List<String> unprivileged = root ? List.of("/usr/bin/setpriv", "--bounding-set=-net_bind_service",
                "--inh-caps=-net_bind_service") : List.of();

        DpsemuProcess.Ran serve = DpsemuProcess.run(unprivileged, "serve", "--data-dir", dir.resolve("d").toString(),
                "--bind", "127.0.0.1", "--mqtt-port", "0", "--https-port", "443");

        assertThat(serve.exitCode()).as(serve.out()).isEqualTo(2);
        assertThat(serve.err()).contains("cannot listen on 127.0.0.1:443 (configuration key 'httpsPort')")
                .contains("Permission denied")
                .contains("ports below 1024 need root or the CAP_NET_BIND_SERVICE capability")
                .contains("configuration key 'httpsPort' or --https-port")
                .doesNotContain("\tat ");
    }

    /** Test certificates, made in this JVM: only what the process under test prints matters here. */
    private static void cert(String... args) {
        String[] command = new String[args.length + 1];
        command[0] = "cert";
        System.arraycopy(args, 0, command, 1, args.length);
        CommandLine commandLine = new CommandLine(new DpsemuCommand());
        StringWriter err = new StringWriter();
        commandLine.setOut(new PrintWriter(new StringWriter(), true)).setErr(new PrintWriter(err, true));
        assertThat(commandLine.execute(command)).as(err.toString()).isZero();
    }
}
