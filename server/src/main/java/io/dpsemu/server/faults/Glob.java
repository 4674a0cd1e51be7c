package io.dpsemu.server.faults;

import java.util.Locale;

/**
 * A case-insensitive glob: {@code *} any run of characters, {@code ?} one character, everything else
 * literal. Matched by a two-pointer walk that backs up only to the last {@code *}, so a match costs
 * at most pattern length x text length: rules are checked on event loops, where a backtracking regex
 * could stall every device on a pattern such as {@code *a*a*a*a*b}.
 */
final class Glob {

    private final String text;
    private final String folded;

    private Glob(String text) {
        this.text = text;
        this.folded = fold(text);
    }

    static Glob of(String glob) {
        return new Glob(glob);
    }

    boolean matches(String value) {
        if (value == null) {
            return false;
        }
        String input = fold(value);
        int p = 0;
        int v = 0;
        int star = -1;
        int resume = 0;
        while (v < input.length()) {
            if (p < folded.length() && (folded.charAt(p) == '?' || folded.charAt(p) == input.charAt(v))) {
                p++;
                v++;
            } else if (p < folded.length() && folded.charAt(p) == '*') {
                star = p++;
                resume = v;
            } else if (star >= 0) {
                p = star + 1;
                v = ++resume;
            } else {
                return false;
            }
        }
        while (p < folded.length() && folded.charAt(p) == '*') {
            p++;
        }
        return p == folded.length();
    }

    private static String fold(String s) {
        return s.toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return text;
    }
}
