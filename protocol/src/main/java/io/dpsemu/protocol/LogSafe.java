package io.dpsemu.protocol;

/**
 * Text that came from a device or a service caller (client ids, usernames, registration ids, paths,
 * certificate names, header values, and reasons that quote them), made safe to put into one log line
 * or one error message: every character outside printable ASCII is escaped ({@code \n}, {@code \r},
 * {@code \t}, else {@code \}{@code uXXXX} per UTF-16 unit, as in JSON), and the text is cut at a bound.
 * A backslash is kept as it is, so escaping is idempotent: text escaped once (say, a reason that
 * quotes a device's id) comes out unchanged when a log call escapes it again.
 */
public final class LogSafe {

    /** Characters of one value kept in a log line; the rest is cut and counted. */
    public static final int MAX_CHARS = 512;

    private LogSafe() {
    }

    /** {@code value}'s text escaped and cut at {@link #MAX_CHARS}; {@code "null"} for null. */
    public static String of(Object value) {
        return value == null ? "null" : escape(value.toString(), MAX_CHARS);
    }

    /** {@code text} escaped, its first {@code maxChars} characters kept and the rest counted as {@code ...[+N]}. */
    public static String escape(String text, int maxChars) {
        int shown = Math.min(text.length(), maxChars);
        StringBuilder sb = null;
        for (int i = 0; i < shown; i++) {
            char c = text.charAt(i);
            if (sb == null && !isPlain(c)) {
                sb = new StringBuilder(shown + 16).append(text, 0, i);
            }
            if (sb != null) {
                sb.append(character(c));
            }
        }
        if (shown < text.length()) {
            return (sb == null ? text.substring(0, shown) : sb.toString()) + "...[+" + (text.length() - shown) + "]";
        }
        return sb == null ? text : sb.toString();
    }

    /** One character as {@link #escape} writes it. */
    public static String character(char c) {
        if (isPlain(c)) {
            return String.valueOf(c);
        }
        return switch (c) {
            case '\n' -> "\\n";
            case '\r' -> "\\r";
            case '\t' -> "\\t";
            default -> String.format("\\u%04X", (int) c);
        };
    }

    private static boolean isPlain(char c) {
        return c >= 0x20 && c < 0x7F;
    }
}
