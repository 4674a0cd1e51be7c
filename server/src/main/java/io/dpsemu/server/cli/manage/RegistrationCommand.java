package io.dpsemu.server.cli.manage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
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
            description = "List registration records: those of one enrollment group (POST"
                    + " /registrations/{group}/query), or all of them (GET /registrations, a dpsemu extension).")
    static final class ListRegistrations extends ServiceSubcommand {

        @Option(names = "--group", paramLabel = "GROUP_ID", order = 1,
                description = "only the records of this enrollment group's devices")
        String group;

        @Option(names = "--top", paramLabel = "N", order = 2, description = "at most N records (default: all)")
        Integer top;

        @Option(names = "--page-size", paramLabel = "N", order = 3,
                description = "records per request, x-ms-max-item-count (default: the server's, or --top)")
        Integer pageSize;

        @Override
        void execute(Output out) {
            requirePositive(top, "--top");
            requirePositive(pageSize, "--page-size");
            List<JsonNode> records = group == null
                    ? client().query("GET", ServiceClient.path("registrations"), null, top, pageSize)
                    : client().query("POST", ServiceClient.path("registrations", group, "query"),
                            JsonNodeFactory.instance.objectNode().put("query", "SELECT *"), top, pageSize);
            if (json) {
                ArrayNode array = JsonNodeFactory.instance.arrayNode();
                array.addAll(records);
                out.json(array);
            } else if (records.isEmpty()) {
                out.line("No registration records.");
            } else {
                out.table(Views.REGISTRATION_COLUMNS, records.stream().map(Views::registrationRow).toList());
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
