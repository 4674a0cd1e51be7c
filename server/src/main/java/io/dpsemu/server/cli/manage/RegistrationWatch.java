package io.dpsemu.server.cli.manage;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code registration list --watch}: lists the records again every interval and prints one line per
 * record that appeared, changed or disappeared since the last listing. The service API has no change
 * feed, so this polls. It ends when its thread is interrupted: Ctrl-C does that through a shutdown hook,
 * which waits for the watch to finish its line.
 */
final class RegistrationWatch {

    /** How long Ctrl-C waits for the watch to stop before the JVM exits anyway. */
    private static final long STOP_WAIT_MILLIS = 2_000;

    private final Supplier<List<JsonNode>> listing;
    private final Duration interval;
    private final Output out;
    private final boolean json;
    private final Map<String, JsonNode> known = new HashMap<>();

    /** @param listing every record to watch, fetched anew at each call */
    RegistrationWatch(Supplier<List<JsonNode>> listing, Duration interval, Output out, boolean json) {
        this.listing = listing;
        this.interval = interval;
        this.out = out;
        this.json = json;
    }

    /** Watches until interrupted; {@code current} is the listing already shown. */
    void run(List<JsonNode> current) {
        current.forEach(record -> known.put(record.path("registrationId").asText(), record));
        out.note("watching for new and changed registrations: listing again every " + interval.toMillis()
                + " ms; Ctrl-C stops");
        out.flush();
        Thread watcher = Thread.currentThread();
        Thread stopper = new Thread(() -> {
            watcher.interrupt();
            try {
                watcher.join(STOP_WAIT_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "dpsemu-watch-stop");
        Runtime.getRuntime().addShutdownHook(stopper);
        try {
            watch();
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(stopper);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running: it is what stopped the watch
            }
        }
        out.note("stopped watching");
        out.flush();
    }

    private void watch() {
        String failure = null;
        while (true) {
            try {
                Thread.sleep(interval.toMillis());
            } catch (InterruptedException e) {
                return;
            }
            List<JsonNode> records;
            try {
                records = listing.get();
            } catch (ServiceException e) {
                if (e.notAuthorized()) {
                    throw e;
                }
                failure = noteFailure(failure, e.serverMessage());
                continue;
            } catch (ManageException e) {
                if (Thread.currentThread().isInterrupted()) {
                    return;
                }
                failure = noteFailure(failure, e.getMessage());
                continue;
            }
            if (failure != null) {
                out.note("listing works again");
                failure = null;
            }
            compare(records);
        }
    }

    /** A failure is told once, not at every interval, until the listing works again. */
    private String noteFailure(String previous, String message) {
        if (!message.equals(previous)) {
            out.note("cannot list the registrations: " + message + "; trying again every " + interval.toMillis()
                    + " ms");
        }
        return message;
    }

    private void compare(List<JsonNode> records) {
        Map<String, JsonNode> now = new LinkedHashMap<>();
        records.forEach(record -> now.put(record.path("registrationId").asText(), record));
        now.forEach((id, record) -> {
            JsonNode before = known.get(id);
            if (before == null) {
                print("new", record);
            } else if (!before.equals(record)) {
                print("changed", record);
            }
        });
        known.forEach((id, record) -> {
            if (!now.containsKey(id)) {
                print("deleted", record);
            }
        });
        known.clear();
        known.putAll(now);
    }

    /** One line: JSON with {@code --json}, else the change and the record's fields. */
    void print(String change, JsonNode record) {
        if (json) {
            ObjectNode line = JsonNodeFactory.instance.objectNode().put("change", change);
            line.set("registration", record);
            try {
                out.line(ServiceClient.READER.writeValueAsString(line));
                out.flush();
            } catch (JsonProcessingException e) {
                throw new ManageException("cannot print JSON: " + e.getMessage());
            }
            return;
        }
        StringBuilder text = new StringBuilder(String.format("%-8s %s", change,
                TerminalText.of(record.path("registrationId").asText())));
        if (!change.equals("deleted")) {
            append(text, "status", record, "status");
            append(text, "substatus", record, "substatus");
            append(text, "hub", record, "assignedHub");
            append(text, "deviceId", record, "deviceId");
            append(text, "errorCode", record, "errorCode");
            append(text, "updated", record, "lastUpdatedDateTimeUtc");
        }
        out.line(text.toString());
        out.flush();
    }

    private static void append(StringBuilder text, String label, JsonNode record, String field) {
        JsonNode value = record.path(field);
        if (!value.isMissingNode() && !value.isNull()) {
            text.append("  ").append(label).append('=').append(TerminalText.of(value.asText()));
        }
    }
}
