package io.dpsemu.server.cli;

import io.dpsemu.loadgen.LoadgenCommand;
import io.dpsemu.server.NativeLibraries;
import io.dpsemu.server.cli.cert.CertCommand;
import io.dpsemu.server.cli.device.DeviceClientCommand;
import io.dpsemu.server.cli.manage.EnrollmentCommand;
import io.dpsemu.server.cli.manage.FaultCommand;
import io.dpsemu.server.cli.manage.GroupCommand;
import io.dpsemu.server.cli.manage.RegistrationCommand;
import io.dpsemu.server.cli.manage.SasCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code dpsemu} command line. */
@Command(name = "dpsemu", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "A self-hosted server compatible with Azure IoT Hub Device Provisioning Service.",
        subcommands = {ServeCommand.class, CertCommand.class, EnrollmentCommand.class, GroupCommand.class,
            RegistrationCommand.class, FaultCommand.class, DeviceClientCommand.class, SasCommand.class,
            ServiceCommand.class, LoadgenCommand.class})
public final class DpsemuCommand implements Runnable {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        NativeLibraries.configure(System.getenv());
        System.exit(commandLine().execute(args));
    }

    /** The command line as {@code main} runs it: every command but {@code serve} keeps its log quiet. */
    static CommandLine commandLine() {
        CommandLine commandLine = new CommandLine(new DpsemuCommand());
        CommandLine.IExecutionStrategy run = commandLine.getExecutionStrategy();
        return commandLine.setExecutionStrategy(parsed -> {
            boolean serve = parsed.subcommand() != null
                    && parsed.subcommand().commandSpec().userObject() instanceof ServeCommand;
            if (!serve) {
                ConsoleLog.quietForCommands(System.getenv("DPSEMU_LOG_LEVEL"));
            }
            return run.execute(parsed);
        });
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
