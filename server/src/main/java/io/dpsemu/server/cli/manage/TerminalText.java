package io.dpsemu.server.cli.manage;

/** Text from the server or from files, made safe for a terminal: control characters become '?'. */
public final class TerminalText {

    private TerminalText() {
    }

    public static String of(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder(text.length());
        text.codePoints().forEach(c -> {
            if (Character.isISOControl(c) || Character.getType(c) == Character.FORMAT) {
                sb.append('?');
            } else {
                sb.appendCodePoint(c);
            }
        });
        return sb.toString();
    }
}
