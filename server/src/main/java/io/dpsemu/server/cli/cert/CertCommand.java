package io.dpsemu.server.cli.cert;

import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code dpsemu cert}: test certificates for X.509 attestation, for device developers and test benches.
 * Relative paths are resolved against the working directory.
 */
@Command(name = "cert", mixinStandardHelpOptions = true,
        description = "Make test certificates for X.509 attestation (a root CA, intermediate CAs, device certificates)"
                + " and check a chain against the enrollments.",
        subcommands = {CaCommand.class, IntermediateCommand.class, DeviceCommand.class, VerifyCommand.class},
        footer = {"",
            "Chains: a CA certificate file holds one certificate. A device certificate file holds the device"
                + " certificate followed by its intermediates, never the root: the issuing --ca certificate when it"
                + " is not self-signed, then the certificates of each --chain file, in order. The root (or an"
                + " intermediate) is what an enrollment group holds.",
            "",
            "Example:",
            "  dpsemu cert ca",
            "  dpsemu cert intermediate --ca ca.pem --ca-key ca-key.pem",
            "  dpsemu cert device --cn device-01 \\",
            "      --ca intermediate.pem --ca-key intermediate-key.pem"})
public final class CertCommand implements Runnable {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    private Path workingDirectory = Path.of("");

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Where relative paths point; tests use a temporary directory instead of the process's. */
    void workingDirectory(Path directory) {
        workingDirectory = directory;
    }

    Path resolve(Path path) {
        return workingDirectory.resolve(path);
    }
}
