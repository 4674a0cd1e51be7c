package io.dpsemu.server.cli.manage;

import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * What the management subcommands share: the connection options, {@code --json}, a lazily made
 * {@link ServiceClient}, and the exit codes: 0 done, 2 input to fix (the message names the option), 1
 * anything else (the server's error message and errorCode; "not authorized: ..." for 401 and 403),
 * always without a stack trace.
 */
abstract class ServiceSubcommand implements Callable<Integer> {

    static final int EXIT_FAILURE = 1;
    static final int EXIT_BAD_INPUT = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    ConnectionOptions connectionOptions;

    @Option(names = "--json", order = 90, description = "print the JSON the service API returned, for scripts")
    boolean json;

    private ServiceClient client;

    /** Does the work; throws {@link BadInputException}, {@link ServiceException} or {@link ManageException}. */
    abstract void execute(Output out);

    @Override
    public final Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            execute(new Output(out, err));
            return 0;
        } catch (BadInputException e) {
            err.println(spec.qualifiedName() + ": " + e.getMessage());
            return EXIT_BAD_INPUT;
        } catch (ServiceException e) {
            String source = client == null ? "?" : client.connection().source();
            err.println(spec.qualifiedName() + ": " + e.describe(source));
            return EXIT_FAILURE;
        } catch (ManageException e) {
            err.println(spec.qualifiedName() + ": " + e.getMessage());
            return EXIT_FAILURE;
        } catch (RuntimeException e) {
            err.println(spec.qualifiedName() + ": failed: " + e);
            return EXIT_FAILURE;
        } finally {
            out.flush();
            err.flush();
        }
    }

    ServiceClient client() {
        if (client == null) {
            client = new ServiceClient(connectionOptions.resolve(environment()));
        }
        return client;
    }

    private Map<String, String> environment() {
        CommandLine.Model.CommandSpec parent = spec.parent();
        if (parent != null && parent.userObject() instanceof ServiceCommandGroup group) {
            return group.environment();
        }
        return System.getenv();
    }

    static void requirePositive(Integer value, String option) {
        if (value != null && value < 1) {
            throw new BadInputException(option, "must be at least 1, got " + value);
        }
    }
}
