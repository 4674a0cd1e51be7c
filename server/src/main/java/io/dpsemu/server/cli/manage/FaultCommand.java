package io.dpsemu.server.cli.manage;

import com.fasterxml.jackson.databind.JsonNode;
import io.dpsemu.protocol.faults.FaultRuleChecks;
import io.dpsemu.protocol.faults.FaultRuleSpec;
import io.dpsemu.protocol.faults.InvalidFaultRuleException;
import io.dpsemu.server.cli.manage.Output.Field;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.TypeConversionException;

/** {@code dpsemu fault}: fault rules of a running server, through its {@code /dpsemu/faults} extension. */
@Command(name = "fault", mixinStandardHelpOptions = true,
        description = "Make a running server throttle, fail or stall device requests on purpose, to test device"
                + " retry code. Rules live in the memory of the node that receives them.",
        subcommands = {FaultCommand.Add.class, FaultCommand.ListFaults.class, FaultCommand.Clear.class},
        footer = {"",
            "Connection: --connection-string, else $DPSEMU_CONNECTION_STRING, else the owner key in --data-dir"
                + " (default ./dpsemu-data) for localhost:--port (default 443).",
            "",
            "Examples:",
            "  dpsemu fault add --status 429 --probability 0.3            # throttle 30%% of requests",
            "  dpsemu fault add --registration-id 'dev-*' --kind register --every 3 --status 503",
            "  dpsemu fault add --transport mqtt --delay 8s --max-hits 1",
            "  dpsemu fault add --group sensors --fail-operation 400207 --expires-after 10m",
            "  dpsemu fault list",
            "  dpsemu fault clear f2"})
public final class FaultCommand extends ServiceCommandGroup {

    static final List<String> COLUMNS = List.of("ID", "MATCH", "TRIGGER", "ACTION", "HITS", "ENDS");
    /** The option of each rule field, so that a refusal names what the user typed. */
    private static final Map<String, String> OPTIONS = Map.ofEntries(
            Map.entry("registrationId", "--registration-id"), Map.entry("enrollmentGroupId", "--group"),
            Map.entry("individual", "--individual"), Map.entry("transports", "--transport"),
            Map.entry("kinds", "--kind"), Map.entry("probability", "--probability"), Map.entry("everyNth", "--every"),
            Map.entry("status", "--status"), Map.entry("errorCode", "--error-code"),
            Map.entry("retryAfterSeconds", "--retry-after"), Map.entry("message", "--message"),
            Map.entry("delayMillis", "--delay"), Map.entry("drop", "--drop"),
            Map.entry("failOperation", "--fail-operation"), Map.entry("maxHits", "--max-hits"),
            Map.entry("expiresAfterSeconds", "--expires-after"),
            Map.entry("action", "--status, --delay, --drop or --fail-operation"));

    private static final String RULES = ServiceClient.path("dpsemu", "faults");

    @Command(name = "add", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Add a fault rule after the existing ones and print it with its id. The first rule that"
                    + " matches a request and fires decides what happens to it.")
    static final class Add extends ServiceSubcommand {

        @Option(names = "--registration-id", paramLabel = "GLOB", order = 1,
                description = "only devices whose registration id matches ('*' any run, '?' one character;"
                        + " case-insensitive)")
        String registrationId;

        @Option(names = "--group", paramLabel = "GLOB", order = 2,
                description = "only devices of an enrollment group whose id matches")
        String group;

        @Option(names = "--individual", order = 3, description = "only devices of individual enrollments")
        boolean individual;

        @Option(names = "--transport", paramLabel = "T", split = ",", order = 4,
                description = "only these transports: mqtt, mqttws, https (default: all)")
        List<String> transports;

        @Option(names = "--kind", paramLabel = "K", split = ",", order = 5,
                description = "only these requests: register, poll (default: both)")
        List<String> kinds;

        @Option(names = "--probability", paramLabel = "P", order = 6,
                description = "fire on this share of matching requests, 0 < P <= 1 (default 1)")
        Double probability;

        @Option(names = "--every", paramLabel = "N", order = 7,
                description = "fire on the Nth, 2Nth, ... matching request instead")
        Integer everyNth;

        @Option(names = "--status", paramLabel = "STATUS", order = 8,
                description = "answer with this HTTP/MQTT error status (e.g. 429, 500, 503, 401)")
        Integer status;

        @Option(names = "--error-code", paramLabel = "CODE", order = 9,
                description = "with --status: the DPS errorCode (default from the status, e.g. 429001)")
        Integer errorCode;

        @Option(names = "--retry-after", paramLabel = "SECONDS", order = 10,
                description = "with --status: the retry-after to advertise (default 3 for 429 and 503)")
        Integer retryAfter;

        @Option(names = "--message", paramLabel = "TEXT", order = 11,
                description = "with --status or --fail-operation: the error message")
        String message;

        @Option(names = "--delay", paramLabel = "DURATION", order = 12, converter = DurationConverter.class,
                description = "answer normally but this much later (500ms, 2s, 1m)")
        Duration delay;

        @Option(names = "--drop", order = 13, description = "close the device's connection instead of answering")
        boolean drop;

        @Option(names = "--fail-operation", paramLabel = "CODE", order = 14,
                description = "accept the registration, then end its operation failed with this errorCode"
                        + " (register requests only)")
        Integer failOperation;

        @Option(names = "--max-hits", paramLabel = "N", order = 15, description = "remove the rule after N hits")
        Integer maxHits;

        @Option(names = "--expires-after", paramLabel = "DURATION", order = 16, converter = DurationConverter.class,
                description = "remove the rule after this long, in whole seconds (90s, 10m, 1h)")
        Duration expiresAfter;

        @Override
        void execute(Output out) {
            FaultRuleSpec rule = rule();
            try {
                FaultRuleChecks.check("new", rule);
            } catch (InvalidFaultRuleException e) {
                throw new BadInputException(OPTIONS.getOrDefault(e.field(), e.field()), e.problem());
            }
            JsonNode stored = client().post(RULES, ServiceClient.READER.valueToTree(rule));
            if (json) {
                out.json(stored);
            } else {
                out.fields(List.of(new Field("ID", stored.path("id").asText()), new Field("Match", match(stored)),
                        new Field("Trigger", trigger(stored)), new Field("Action", action(stored)),
                        new Field("Ends", ends(stored))));
            }
        }

        private FaultRuleSpec rule() {
            if (expiresAfter != null && expiresAfter.toMillis() % 1000 != 0) {
                throw new BadInputException("--expires-after", "must be whole seconds, not " + expiresAfter.toMillis()
                        + " ms");
            }
            return new FaultRuleSpec(registrationId, group, individual ? Boolean.TRUE : null, transports, kinds,
                    probability, everyNth, status, errorCode, retryAfter, message,
                    delay == null ? null : delay.toMillis(), drop ? Boolean.TRUE : null, failOperation, maxHits,
                    expiresAfter == null ? null : expiresAfter.toSeconds());
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, sortOptions = false,
            description = "List the fault rules in force, in the order they are evaluated, with their hits.")
    static final class ListFaults extends ServiceSubcommand {

        @Override
        void execute(Output out) {
            JsonNode rules = client().get(RULES);
            if (json) {
                out.json(rules);
            } else if (rules.isEmpty()) {
                out.line("No fault rules.");
            } else {
                List<List<String>> rows = new ArrayList<>();
                for (JsonNode rule : rules) {
                    rows.add(List.of(rule.path("id").asText(), match(rule), trigger(rule), action(rule),
                            rule.path("hits").asText(), ends(rule)));
                }
                out.table(COLUMNS, rows);
            }
        }
    }

    @Command(name = "clear", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Remove the fault rules with these ids, or every rule when none is given.")
    static final class Clear extends ServiceSubcommand {

        @Parameters(paramLabel = "ID", arity = "0..*", description = "rule ids as listed (f1, f2, ...)")
        List<String> ids = new ArrayList<>();

        @Override
        void execute(Output out) {
            if (ids.isEmpty()) {
                client().delete(RULES, null);
                if (!json) {
                    out.line("Removed every fault rule.");
                }
                return;
            }
            for (String id : ids) {
                client().delete(ServiceClient.path("dpsemu", "faults", id), null);
                if (!json) {
                    out.line("Removed fault rule " + id + ".");
                }
            }
        }
    }

    static String match(JsonNode rule) {
        List<String> parts = new ArrayList<>();
        if (rule.hasNonNull("registrationId")) {
            parts.add("id " + rule.path("registrationId").asText());
        }
        if (rule.hasNonNull("enrollmentGroupId")) {
            parts.add("group " + rule.path("enrollmentGroupId").asText());
        }
        if (rule.path("individual").asBoolean(false)) {
            parts.add("individual");
        }
        // the server lists every transport and kind a rule applies to; only a subset is worth showing
        if (rule.path("transports").size() < 3) {
            parts.add(join(rule.path("transports")));
        }
        if (rule.path("kinds").size() < 2) {
            parts.add(join(rule.path("kinds")));
        }
        return parts.isEmpty() ? "any request" : String.join(" ", parts);
    }

    static String trigger(JsonNode rule) {
        if (rule.hasNonNull("everyNth")) {
            return "every " + rule.path("everyNth").asText();
        }
        return rule.hasNonNull("probability") ? "p=" + rule.path("probability").asText() : "always";
    }

    static String action(JsonNode rule) {
        if (rule.hasNonNull("status")) {
            String retryAfter = rule.hasNonNull("retryAfterSeconds")
                    ? ", retry-after " + rule.path("retryAfterSeconds").asText() + " s" : "";
            return "status " + rule.path("status").asText() + " (" + rule.path("errorCode").asText() + retryAfter + ")";
        }
        if (rule.hasNonNull("delayMillis")) {
            return "delay " + rule.path("delayMillis").asText() + " ms";
        }
        if (rule.path("drop").asBoolean(false)) {
            return "drop";
        }
        return "fail operation " + rule.path("failOperation").asText();
    }

    static String ends(JsonNode rule) {
        List<String> parts = new ArrayList<>();
        if (rule.hasNonNull("maxHits")) {
            parts.add("after " + rule.path("maxHits").asText() + " hits");
        }
        if (rule.hasNonNull("expiresInSeconds")) {
            parts.add("in " + rule.path("expiresInSeconds").asText() + " s");
        }
        return parts.isEmpty() ? "never" : String.join(", ", parts);
    }

    private static String join(JsonNode values) {
        List<String> names = new ArrayList<>();
        values.forEach(value -> names.add(value.asText()));
        return String.join(",", names);
    }

    /** {@code 500ms}, {@code 2s}, {@code 10m}, {@code 1h}, or a bare number of seconds. */
    static final class DurationConverter implements ITypeConverter<Duration> {

        private static final Pattern FORMAT = Pattern.compile("(\\d{1,9})(ms|s|m|h)?");

        @Override
        public Duration convert(String value) {
            Matcher m = FORMAT.matcher(value.trim().toLowerCase(Locale.ROOT));
            if (!m.matches()) {
                throw new TypeConversionException("'" + value + "' is not a duration; expected for example 500ms, 2s,"
                        + " 10m or 1h");
            }
            long amount = Long.parseLong(m.group(1));
            String unit = m.group(2) == null ? "s" : m.group(2);
            return switch (unit) {
                case "ms" -> Duration.ofMillis(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "h" -> Duration.ofHours(amount);
                default -> Duration.ofSeconds(amount);
            };
        }
    }
}
