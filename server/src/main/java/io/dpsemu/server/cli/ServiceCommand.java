package io.dpsemu.server.cli;

import io.dpsemu.server.config.ConfigException;
import io.dpsemu.server.config.ConfigLoader;
import io.dpsemu.server.config.ServerConfig;
import io.dpsemu.server.service.ServicePolicies;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code dpsemu service}: what a server keeps about its service API, read from its data directory. */
@Command(name = "service", mixinStandardHelpOptions = true,
        description = "The service API of a server, from its data directory.",
        subcommands = ServiceCommand.ConnectionString.class)
final class ServiceCommand implements Runnable {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /**
     * The owner connection string, which the server logs only on the start that creates it. Read with
     * the server's own configuration (file, environment), so {@code service.hostName} and a configured
     * owner policy count as they do for the server.
     */
    @Command(name = "connection-string", mixinStandardHelpOptions = true,
            description = "Print the provisioningserviceowner connection string (every right) of a data directory.",
            footer = {"", "The key gives full control of the enrollments: keep its output out of logs and tickets."})
    static final class ConnectionString implements Callable<Integer> {

        @CommandLine.Spec
        private CommandLine.Model.CommandSpec spec;

        @Option(names = "--config", paramLabel = "FILE", description = "the server's YAML configuration file")
        private Path configFile;

        @Option(names = "--data-dir", paramLabel = "DIR",
                description = "the server's data directory (default ./dpsemu-data)")
        private String dataDir;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            try {
                Map<String, Object> overrides = new HashMap<>();
                if (dataDir != null) {
                    overrides.put("dataDir", dataDir);
                }
                ServerConfig config = ConfigLoader.load(configFile, System.getenv(), overrides);
                ServicePolicies policies = ServicePolicies.read(config.dataPath(), config.service());
                out.println(policies.ownerConnectionString(config.service().hostName()));
                return 0;
            } catch (ConfigException e) {
                spec.commandLine().getErr().println("dpsemu service connection-string: " + e.getMessage());
                return 2;
            }
        }
    }
}
