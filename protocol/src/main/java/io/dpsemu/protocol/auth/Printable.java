package io.dpsemu.protocol.auth;

import io.dpsemu.protocol.LogSafe;

/** Device input quoted into error messages: bounded and escaped by {@link LogSafe} (messages reach logs). */
final class Printable {

    private static final int MAX_SHOWN = 80;

    private Printable() {
    }

    static String quote(String value) {
        return "'" + LogSafe.escape(value, MAX_SHOWN) + "'";
    }

    static String character(char c) {
        return LogSafe.character(c);
    }
}
