package io.dpsemu.server.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class GlobTest {

    @Test
    void matches_whenLiteral_thenWholeValueIgnoringCase() {
        assertThat(Glob.of("Dev-1").matches("dev-1")).isTrue();
        assertThat(Glob.of("dev-1").matches("dev-10")).isFalse();
        assertThat(Glob.of("dev-1").matches("xdev-1")).isFalse();
        assertThat(Glob.of("dev-1").matches(null)).isFalse();
    }

    @Test
    void matches_whenStar_thenAnyRunIncludingNone() {
        assertThat(Glob.of("*").matches("")).isTrue();
        assertThat(Glob.of("dev-*").matches("dev-")).isTrue();
        assertThat(Glob.of("dev-*").matches("DEV-42")).isTrue();
        assertThat(Glob.of("*-42").matches("line7-dev-42")).isTrue();
        assertThat(Glob.of("a*b*c").matches("aXXbYYc")).isTrue();
        assertThat(Glob.of("a*b*c").matches("aXXcYYb")).isFalse();
        assertThat(Glob.of("**x**").matches("abxcd")).isTrue();
    }

    @Test
    void matches_whenQuestionMark_thenExactlyOneCharacter() {
        assertThat(Glob.of("dev-?").matches("dev-7")).isTrue();
        assertThat(Glob.of("dev-?").matches("dev-")).isFalse();
        assertThat(Glob.of("dev-?").matches("dev-77")).isFalse();
        assertThat(Glob.of("?*?").matches("ab")).isTrue();
    }

    @Test
    void matches_whenRegexCharacters_thenTakenLiterally() {
        assertThat(Glob.of("dev.1").matches("dev.1")).isTrue();
        assertThat(Glob.of("dev.1").matches("devX1")).isFalse();
        assertThat(Glob.of("a+(b)").matches("a+(b)")).isTrue();
    }

    /** A backtracking regex takes minutes on this; the walk must not (the guard, not a speed target). */
    @Test
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void matches_whenManyStarsAgainstLongNonMatchingId_thenAnswersWithoutBacktrackingBlowUp() {
        Glob glob = Glob.of("*a*a*a*a*a*a*a*a*a*a*a*a*b");
        String id = "a".repeat(128);

        for (int i = 0; i < 1000; i++) {
            assertThat(glob.matches(id)).isFalse();
        }
    }
}
