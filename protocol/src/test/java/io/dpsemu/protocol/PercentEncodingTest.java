package io.dpsemu.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PercentEncodingTest {

    @Test
    void decode_whenNoPercent_thenSameString() {
        String value = "0ne00ABC123/registrations/dev-1";
        assertThat(PercentEncoding.decode(value)).isSameAs(value);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "a%2fb%2Fc      | a/b/c",
            "a+b%2B         | a+b+",
            "%C3%A9t%c3%a9  | été",
            "é%20x          | é x",
            "%25            | %",
            "dev%3A01       | dev:01"
    })
    void decode_whenEscapes_thenPlainPercentDecodingOverUtf8(String encoded, String decoded) {
        assertThat(PercentEncoding.decode(encoded)).isEqualTo(decoded);
    }

    @ParameterizedTest
    @ValueSource(strings = {"%", "%2", "abc%4", "%zz", "%G0", "100%; arm"})
    void decode_whenPercentNotFollowedByTwoHexDigits_thenIllegalArgument(String value) {
        assertThatIllegalArgumentException().isThrownBy(() -> PercentEncoding.decode(value))
                .withMessageContaining("two hex digits");
    }

    @ParameterizedTest
    @ValueSource(strings = {"%C3", "%FF", "a%E2%82"})
    void decode_whenBytesAreNotUtf8_thenIllegalArgument(String value) {
        assertThatIllegalArgumentException().isThrownBy(() -> PercentEncoding.decode(value))
                .withMessageContaining("UTF-8");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "0ne00ABC123/registrations/dev-1 | 0ne00ABC123%2Fregistrations%2Fdev-1",
            "a+b/c=                          | a%2Bb%2Fc%3D",
            "A-z_0.9~                        | A-z_0.9~",
            "x y:é                           | x%20y%3A%C3%A9"
    })
    void encode_whenReservedOrNonAscii_thenUpperCaseEscapes(String plain, String encoded) {
        assertThat(PercentEncoding.encode(plain)).isEqualTo(encoded);
        assertThat(PercentEncoding.decode(encoded)).isEqualTo(plain);
    }
}
