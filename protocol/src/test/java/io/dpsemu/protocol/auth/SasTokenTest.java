package io.dpsemu.protocol.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dpsemu.protocol.DpsProtocolException;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SasTokenTest {

    /** Base64 with all three characters that need encoding: '+', '/' and '='. */
    private static final String SIG = "ab+/cd+/ef8=";
    private static final byte[] SIG_BYTES = Base64.getDecoder().decode(SIG);

    @ParameterizedTest
    @ValueSource(strings = {"SharedAccessSignature ", "sharedaccesssignature ", "SHAREDACCESSSIGNATURE ", ""})
    void parse_whenPrefixInAnyCaseOrAbsent_thenSameToken(String prefix) {
        SasToken token =
                SasToken.parse(prefix + "sr=S%2Fregistrations%2Fdev-1&sig=ab%2B%2Fcd%2B%2Fef8%3D&se=1767225600");

        assertThat(token.resource()).isEqualTo("S/registrations/dev-1");
        assertThat(token.signature()).isEqualTo(SIG_BYTES);
        assertThat(token.expiryEpochSeconds()).isEqualTo(1767225600L);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "sr=S/registrations/dev-1&sig=ab%2B%2Fcd%2B%2Fef8%3D&se=1767225600&skn=x",
            "se=1767225600&skn=x&sig=ab%2B%2Fcd%2B%2Fef8%3D&sr=S/registrations/dev-1",
            "sig=ab%2B%2Fcd%2B%2Fef8%3D&sr=S/registrations/dev-1&skn=x&se=1767225600"
    })
    void parse_whenFieldsInAnyOrder_thenSameToken(String value) {
        assertThat(SasToken.parse(value)).isEqualTo(new SasToken(
                "S/registrations/dev-1", "S/registrations/dev-1", SIG_BYTES, "1767225600", 1767225600L, "x"));
    }

    @Test
    void parse_whenSrLowerCaseEncoded_thenRawKeptAndResourceDecoded() {
        SasToken token = SasToken.parse("sr=S%2fregistrations%2fdev%3a1&sig=AAAA&se=1");

        assertThat(token.resourceRaw()).isEqualTo("S%2fregistrations%2fdev%3a1");
        assertThat(token.resource()).isEqualTo("S/registrations/dev:1");
        assertThat(token.expiryRaw()).isEqualTo("1");
    }

    @Test
    void parse_whenSknAbsent_thenKeyNameNull() {
        assertThat(SasToken.parse("sr=S&sig=AAAA&se=1").keyName()).isNull();
    }

    @Test
    void parse_whenSknEmpty_thenKeyNameEmpty() {
        assertThat(SasToken.parse("sr=S&sig=AAAA&se=1&skn=").keyName()).isEmpty();
    }

    @Test
    void parse_whenSknRegistration_thenKeyName() {
        assertThat(SasToken.parse("sr=S&sig=AAAA&se=1&skn=registration").keyName()).isEqualTo("registration");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "ab%2B%2Fcd%2B%2Fef8%3D",
            "ab%2b%2fcd%2b%2fef8%3d",
            "ab+/cd+/ef8=",
            "ab+%2Fcd%2B/ef8%3D"
    })
    void parse_whenSigEncodedAnyWay_thenPlusStaysPlus(String sig) {
        assertThat(SasToken.parse("sr=S&sig=" + sig + "&se=1").signature()).isEqualTo(SIG_BYTES);
    }

    @Test
    void parse_whenUnknownFieldOrEmptyPart_thenIgnored() {
        assertThat(SasToken.parse("sr=S&&sig=AAAA&se=1&foo=bar&").resource()).isEqualTo("S");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "sig=AAAA&se=1      | SAS token has no 'sr' field",
            "sr=S&se=1          | SAS token has no 'sig' field",
            "sr=S&sig=AAAA      | SAS token has no 'se' field",
            "sr=&sig=AAAA&se=1  | SAS token field 'sr' is empty",
            "sr=S&sig=&se=1     | SAS token field 'sig' is empty",
            "sr=S&sig=AAAA&se=  | SAS token field 'se' is empty"
    })
    void parse_whenFieldMissingOrEmpty_thenMessageNamesIt(String value, String message) {
        assertThatThrownBy(() -> SasToken.parse(value)).isInstanceOf(DpsProtocolException.class)
                .hasMessageStartingWith(message);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "SharedAccessSignature "})
    void parse_whenBlank_thenMissingOrNoSr(String value) {
        assertThatThrownBy(() -> SasToken.parse(value)).isInstanceOf(DpsProtocolException.class)
                .hasMessageMatching("SAS token (is missing|has no 'sr' field.*)");
    }

    @Test
    void parse_whenNull_thenMissing() {
        assertThatThrownBy(() -> SasToken.parse(null)).hasMessage("SAS token is missing");
    }

    @ParameterizedTest
    @ValueSource(strings = {"not-base64!", "QUJD*", "%3D%3D%3D%3D%3D"})
    void parse_whenSigNotBase64_thenSaysSo(String sig) {
        assertThatThrownBy(() -> SasToken.parse("sr=S&sig=" + sig + "&se=1")).isInstanceOf(DpsProtocolException.class)
                .hasMessage("SAS token field 'sig' is not base64 once percent-decoded");
    }

    @Test
    void parse_whenSigBadPercentEncoding_thenSaysSo() {
        assertThatThrownBy(() -> SasToken.parse("sr=S&sig=AA%zz&se=1"))
                .hasMessageStartingWith("SAS token field 'sig' is not valid percent-encoding");
    }

    @Test
    void parse_whenSrBadPercentEncoding_thenSaysSo() {
        assertThatThrownBy(() -> SasToken.parse("sr=S%2&sig=AAAA&se=1"))
                .hasMessageStartingWith("SAS token field 'sr' is not valid percent-encoding");
    }

    @ParameterizedTest
    @ValueSource(strings = {"12a", "-5", "+5", "1.5", "1e9", "\u0661\u0662", "9999999999999999"})
    void parse_whenSeNotWholeSeconds_thenSaysSo(String se) {
        assertThatThrownBy(() -> SasToken.parse("sr=S&sig=AAAA&se=" + se)).isInstanceOf(DpsProtocolException.class)
                .hasMessageStartingWith("SAS token field 'se' must be the expiry as whole seconds since 1970");
    }

    @ParameterizedTest
    @ValueSource(strings = {"sr=S&sr=T&sig=AAAA&se=1", "sr=S&sig=AAAA&sig=BBBB&se=1", "sr=S&sig=AAAA&se=1&se=2"})
    void parse_whenFieldRepeated_thenRejected(String value) {
        assertThatThrownBy(() -> SasToken.parse(value)).isInstanceOf(DpsProtocolException.class)
                .hasMessageMatching("SAS token has the field '(sr|sig|se)' more than once");
    }

    @Test
    void parse_whenPartWithoutEquals_thenRejected() {
        assertThatThrownBy(() -> SasToken.parse("sr=S&sig=AAAA&se=1&garbage"))
                .hasMessageStartingWith("SAS token part 'garbage' is not a name=value field");
    }

    @Test
    void equals_whenSameContent_thenEqualWithSameHashCode() {
        SasToken a = SasToken.parse("sr=S&sig=" + SIG + "&se=1");
        SasToken b = SasToken.parse("sig=" + SIG + "&se=1&sr=S");

        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
        assertThat(a).isNotEqualTo(SasToken.parse("sr=S&sig=AAAA&se=1"));
    }

    @Test
    void toString_whenPrinted_thenNoSignature() {
        SasToken token = SasToken.parse("sr=S&sig=" + SIG + "&se=1&skn=registration");

        assertThat(token.toString()).contains("S", "registration").doesNotContain(SIG, "ab+/cd");
    }

    @Test
    void signature_whenCallerModifiesArray_thenTokenUnchanged() {
        SasToken token = SasToken.parse("sr=S&sig=" + SIG + "&se=1");

        token.signature()[0] ^= 1;

        assertThat(token.signature()).isEqualTo(SIG_BYTES);
    }
}
