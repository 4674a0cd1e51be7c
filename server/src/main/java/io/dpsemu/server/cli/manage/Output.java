package io.dpsemu.server.cli.manage;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * What a command prints on standard output: JSON for scripts, {@code Label: value} lines for one
 * document, or a table with a header row. Text that came from the server is made terminal-safe.
 */
final class Output {

    private static final String GAP = "  ";

    private final PrintWriter out;
    private final PrintWriter err;

    Output(PrintWriter out, PrintWriter err) {
        this.out = out;
        this.err = err;
    }

    /** One labelled value of a document. */
    record Field(String label, String value) {
    }

    void line(String text) {
        out.println(text);
    }

    /** Sends what was printed on its way, for a reader following a stream. */
    void flush() {
        out.flush();
        err.flush();
    }

    /** A note for the user on standard error, so standard output stays the result. */
    void note(String text) {
        err.println(text);
    }

    void json(JsonNode node) {
        try {
            out.println(ServiceClient.READER.writerWithDefaultPrettyPrinter().writeValueAsString(node));
        } catch (JsonProcessingException e) {
            throw new ManageException("cannot print JSON: " + e.getMessage());
        }
    }

    /** {@code Label:  value} lines, values aligned; fields without a value are left out. */
    void fields(List<Field> fields) {
        int width = 0;
        for (Field field : fields) {
            if (field.value() != null) {
                width = Math.max(width, field.label().length() + 1);
            }
        }
        for (Field field : fields) {
            if (field.value() != null) {
                out.println(pad(field.label() + ":", width) + GAP + TerminalText.of(field.value()));
            }
        }
    }

    /** A header row and rows, columns aligned; no trailing blanks. */
    void table(List<String> headers, List<List<String>> rows) {
        int[] widths = new int[headers.size()];
        List<List<String>> all = new ArrayList<>();
        all.add(headers);
        for (List<String> row : rows) {
            all.add(row.stream().map(v -> v == null || v.isEmpty() ? "-" : TerminalText.of(v)).toList());
        }
        for (List<String> row : all) {
            for (int i = 0; i < widths.length; i++) {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        }
        for (List<String> row : all) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < widths.length; i++) {
                if (i > 0) {
                    line.append(GAP);
                }
                line.append(i == widths.length - 1 ? row.get(i) : pad(row.get(i), widths[i]));
            }
            out.println(line);
        }
    }

    private static String pad(String text, int width) {
        return text.length() >= width ? text : text + " ".repeat(width - text.length());
    }
}
