package io.dpsemu.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class LogSafeTest {

    static Stream<Arguments> values() {
        return Stream.of(
                arguments("plain ASCII is kept", "dev-1 / sr=x&y:{}[]'\"", "dev-1 / sr=x&y:{}[]'\""),
                arguments("newline, CR, tab", "a\nINFO forged\r\tb", "a\\nINFO forged\\r\\tb"),
                arguments("NUL and other C0", "cn\u0000x\u001b[31m", "cn\\u0000x\\u001B[31m"),
                arguments("DEL and C1", "a\u007fb\u0085c", "a\\u007Fb\\u0085c"),
                arguments("line separators, bidi override", "a\u2028b\u2029c\u202ed", "a\\u2028b\\u2029c\\u202Ed"),
                arguments("non-ASCII letters", "Ger\u00e4t \u00e9", "Ger\\u00E4t \\u00E9"),
                arguments("a backslash is kept", "C:\\dev\\n", "C:\\dev\\n"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("values")
    void of_escapesEverythingButPrintableAscii(String name, String raw, String logged) {
        assertThat(LogSafe.of(raw)).isEqualTo(logged);
    }

    @Test
    void of_neverYieldsALineBreakOrControlCharacter() {
        StringBuilder every = new StringBuilder();
        for (char c = 0; c < 0x3000; c++) {
            every.append(c);
        }

        String logged = LogSafe.escape(every.toString(), Integer.MAX_VALUE);

        assertThat(logged.chars()).allSatisfy(c -> assertThat(c).isBetween(0x20, 0x7E));
    }

    @Test
    void of_isIdempotent() {
        String once = LogSafe.of("dev\n\u0000\u00e9\\u0041");

        assertThat(LogSafe.of(once)).isEqualTo(once);
    }

    @Test
    void of_cutsLongValuesAndCountsWhatWasCut() {
        String logged = LogSafe.of("x".repeat(LogSafe.MAX_CHARS + 100));

        assertThat(logged).hasSize(LogSafe.MAX_CHARS + "...[+100]".length()).endsWith("x...[+100]");
    }

    @Test
    void of_null_isTheWordNull() {
        assertThat(LogSafe.of(null)).isEqualTo("null");
    }

    @Test
    void escape_whenCutInsideEscapedText_thenCountsCharactersOfTheOriginal() {
        assertThat(LogSafe.escape("\n\n\n\n", 2)).isEqualTo("\\n\\n...[+2]");
    }
}
