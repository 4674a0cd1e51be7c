package io.dpsemu.server.cli.manage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code dpsemu registration}: registration records (the outcome of each device's last registration). */
@Command(name = "registration", mixinStandardHelpOptions = true,
        description = "Show, list and delete device registration records of a running server through its"
                + " service API.",
        subcommands = {RegistrationCommand.Show.class, RegistrationCommand.ListRegistrations.class,
            RegistrationCommand.Delete.class},
        footer = {"",
            "Connection: --connection-string, else $DPSEMU_CONNECTION_STRING, else the owner key in --data-dir"
                + " (default ./dpsemu-data) for localhost:--port (default 443).",
            "",
            "Examples:",
            "  dpsemu registration list --group sensors",
            "  dpsemu registration list --watch",
            "  dpsemu registration show sensor-0042",
            "  dpsemu registration delete sensor-0042"})
public final class RegistrationCommand extends ServiceCommandGroup {

    @Command(name = "show", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Print the registration record of a device.")
    static final class Show extends ServiceSubcommand {

        @Parameters(index = "0", paramLabel = "ID", description = "the registration id")
        String id;

        @Override
        void execute(Output out) {
            JsonNode record = client().get(ServiceClient.path("registrations", id));
            if (json) {
                out.json(record);
            } else {
                out.fields(Views.registration(record));
            }
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"List registration records: those of one enrollment group (POST"
                    + " /registrations/{group}/query), or all of them (GET /registrations, a dpsemu extension).",
                "With --watch, keep going: list them again every --interval (the service API has no change feed,"
                    + " so this polls it, fetching every record each time) and print one line per record that is"
                    + " new, changed or deleted since the last listing, until Ctrl-C."})
    static final class ListRegistrations extends ServiceSubcommand {

        private static final Duration MIN_INTERVAL = Duration.ofMillis(100);
        private static final Duration MAX_INTERVAL = Duration.ofMinutes(10);

        @Option(names = "--group", paramLabel = "GROUP_ID", order = 1,
                description = "only the records of this enrollment group's devices")
        String group;

        @Option(names = "--top", paramLabel = "N", order = 2, description = "at most N records (default: all)")
        Integer top;

        @Option(names = "--page-size", paramLabel = "N", order = 3,
                description = "records per request, x-ms-max-item-count (default: the server's, or --top)")
        Integer pageSize;

        @Option(names = "--watch", order = 4,
                description = "after the list, print each new, changed or deleted record as it happens (one line"
                        + " each; JSON lines with --json) until Ctrl-C")
        boolean watch;

        @Option(names = "--interval", paramLabel = "DURATION", order = 5,
                converter = FaultCommand.DurationConverter.class,
                description = "with --watch: how often to list again, 100ms to 10m (default 2s)")
        Duration interval;

        @Override
        void execute(Output out) {
            requirePositive(top, "--top");
            requirePositive(pageSize, "--page-size");
            checkWatchOptions();
            List<JsonNode> records = records(top);
            if (watch) {
                RegistrationWatch watching = new RegistrationWatch(() -> records(null),
                        interval == null ? Duration.ofSeconds(2) : interval, out, json);
                if (json) {
                    records.forEach(record -> watching.print("existing", record));
                } else {
                    print(out, records);
                }
                watching.run(records);
                return;
            }
            if (json) {
                ArrayNode array = JsonNodeFactory.instance.arrayNode();
                array.addAll(records);
                out.json(array);
            } else {
                print(out, records);
            }
        }

        private List<JsonNode> records(Integer atMost) {
            return group == null
                    ? client().query("GET", ServiceClient.path("registrations"), null, atMost, pageSize)
                    : client().query("POST", ServiceClient.path("registrations", group, "query"),
                            JsonNodeFactory.instance.objectNode().put("query", "SELECT *"), atMost, pageSize);
        }

        private static void print(Output out, List<JsonNode> records) {
            if (records.isEmpty()) {
                out.line("No registration records.");
            } else {
                out.table(Views.REGISTRATION_COLUMNS, records.stream().map(Views::registrationRow).toList());
            }
        }

        private void checkWatchOptions() {
            if (!watch) {
                if (interval != null) {
                    throw new BadInputException("--interval", "goes with --watch");
                }
                return;
            }
            if (top != null) {
                throw new BadInputException("--top", "cannot be combined with --watch, which follows every record");
            }
            if (interval != null && (interval.compareTo(MIN_INTERVAL) < 0 || interval.compareTo(MAX_INTERVAL) > 0)) {
                throw new BadInputException("--interval", "must be between 100ms and 10m, got " + interval.toMillis()
                        + " ms");
            }
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Delete the registration record of a device: its next registration is a first one.")
    static final class Delete extends ServiceSubcommand {

        @Parameters(index = "0", paramLabel = "ID", description = "the registration id")
        String id;

        @Option(names = "--etag", paramLabel = "ETAG", order = 1,
                description = "delete only if the record still has this etag")
        String etag;

        @Override
        void execute(Output out) {
            client().delete(ServiceClient.path("registrations", id), etag);
            if (!json) {
                out.line("Deleted the registration record of '" + id + "'.");
            }
        }
    }
}
