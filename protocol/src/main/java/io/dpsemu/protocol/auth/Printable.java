package io.dpsemu.protocol.auth;

/** Device input quoted into error messages: bounded and free of control characters (messages reach logs). */
final class Printable {

    private static final int MAX_SHOWN = 80;

    private Printable() {
    }

    static String quote(String value) {
        StringBuilder sb = new StringBuilder("'");
        int shown = Math.min(value.length(), MAX_SHOWN);
        for (int i = 0; i < shown; i++) {
            sb.append(character(value.charAt(i)));
        }
        if (shown < value.length()) {
            sb.append("...");
        }
        return sb.append('\'').toString();
    }

    static String character(char c) {
        return c >= 0x20 && c < 0x7F ? String.valueOf(c) : String.format("\\u%04X", (int) c);
    }
}
