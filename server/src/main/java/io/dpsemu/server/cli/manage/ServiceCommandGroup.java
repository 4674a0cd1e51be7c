package io.dpsemu.server.cli.manage;

import java.util.Map;
import picocli.CommandLine;

/**
 * A top-level management command ({@code enrollment}, {@code group}, {@code registration}, {@code sas},
 * {@code fault}): prints its usage, and holds the environment its subcommands read
 * {@value ConnectionOptions#ENV_CONNECTION_STRING} from (tests give their own).
 */
abstract class ServiceCommandGroup implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private Map<String, String> environment = System.getenv();

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    Map<String, String> environment() {
        return environment;
    }

    void environment(Map<String, String> environment) {
        this.environment = environment;
    }
}
