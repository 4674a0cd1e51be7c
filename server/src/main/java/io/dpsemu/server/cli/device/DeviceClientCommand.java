package io.dpsemu.server.cli.device;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code dpsemu device}: acts as one device, to test a server or an enrollment without writing code.
 * Not to be confused with {@code dpsemu cert device}, which issues device certificates.
 */
@Command(name = "device", mixinStandardHelpOptions = true,
        description = "Act as a device against a DPS-compatible server (to make device certificates, see"
                + " `dpsemu cert device`).",
        subcommands = DeviceRegisterCommand.class)
public final class DeviceClientCommand implements Runnable {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
