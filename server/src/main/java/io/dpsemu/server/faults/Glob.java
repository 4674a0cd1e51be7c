package io.dpsemu.server.faults;

import java.util.regex.Pattern;

/** A case-insensitive glob: {@code *} any run of characters, {@code ?} one character, everything else literal. */
final class Glob {

    private final String text;
    private final Pattern pattern;

    private Glob(String text, Pattern pattern) {
        this.text = text;
        this.pattern = pattern;
    }

    static Glob of(String glob) {
        StringBuilder regex = new StringBuilder();
        StringBuilder literal = new StringBuilder();
        for (char c : glob.toCharArray()) {
            if (c == '*' || c == '?') {
                regex.append(quote(literal)).append(c == '*' ? ".*" : ".");
                literal.setLength(0);
            } else {
                literal.append(c);
            }
        }
        regex.append(quote(literal));
        return new Glob(glob, Pattern.compile(regex.toString(),
                Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE | Pattern.DOTALL));
    }

    boolean matches(String value) {
        return value != null && pattern.matcher(value).matches();
    }

    private static String quote(StringBuilder literal) {
        return literal.isEmpty() ? "" : Pattern.quote(literal.toString());
    }

    @Override
    public String toString() {
        return text;
    }
}
