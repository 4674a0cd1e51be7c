package io.dpsemu.protocol.auth;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class RegistrationIdsTest {

    @ParameterizedTest
    @ValueSource(strings = {"a", "7", "dev-1", "Sensor.01_a:b9", "trailing-", "breakroom499-contoso-tstrsd-007"})
    void problem_whenValid_thenEmpty(String id) {
        assertThat(RegistrationIds.problem(id)).isEmpty();
    }

    @Test
    void problem_whenExactlyMaxLength_thenEmpty() {
        assertThat(RegistrationIds.problem("a".repeat(RegistrationIds.MAX_LENGTH))).isEmpty();
    }

    @ParameterizedTest
    @NullAndEmptySource
    void problem_whenNullOrEmpty_thenSaysEmpty(String id) {
        assertThat(RegistrationIds.problem(id)).contains("registration id is empty");
    }

    @Test
    void problem_whenTooLong_thenSaysLengthAndMaximum() {
        assertThat(RegistrationIds.problem("a".repeat(129)))
                .contains("registration id is 129 characters long; the maximum is 128");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "dev 1  | 3 | ' '",
            "dev/1  | 3 | '/'",
            "dév    | 1 | '\\u00E9'",
            "dev+1  | 3 | '+'"
    })
    void problem_whenCharacterNotAllowed_thenSaysIndexAndCharacter(String id, int index, String shown) {
        assertThat(RegistrationIds.problem(id)).hasValueSatisfying(message -> assertThat(message)
                .contains("at index " + index + " (" + shown + ")")
                .contains("allowed are A-Z, a-z, 0-9, '-', '.', '_' and ':'"));
    }

    @Test
    void problem_whenControlCharacter_thenShownEscaped() {
        assertThat(RegistrationIds.problem("dev\n1")).hasValueSatisfying(message ->
                assertThat(message).contains("at index 3 ('\\n')").doesNotContain("\n"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev.", "dev_", "dev:", "."})
    void problem_whenLastCharacterNotAlphanumericOrDash_thenSaysSo(String id) {
        assertThat(RegistrationIds.problem(id)).hasValueSatisfying(message ->
                assertThat(message).contains("the last character must be a letter, a digit or '-'"));
    }

    @Test
    void normalize_whenMixedCase_thenLowerCase() {
        assertThat(RegistrationIds.normalize("Sensor-IOT:01")).isEqualTo("sensor-iot:01");
    }
}
