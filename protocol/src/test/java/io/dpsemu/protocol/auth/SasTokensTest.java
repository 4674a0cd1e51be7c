package io.dpsemu.protocol.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class SasTokensTest {

    private static final String KEY = Base64.getEncoder().encodeToString(new byte[32]);
    private static final Instant EXPIRY = Instant.parse("2026-01-01T01:00:00Z");

    @Test
    void sign_whenRfc4231Case2_thenPublishedMac() {
        String key = Base64.getEncoder().encodeToString("Jefe".getBytes());
        byte[] expected = HexFormat.of().parseHex("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");

        assertThat(SasTokens.sign("what do ya want for nothing?", key))
                .isEqualTo(Base64.getEncoder().encodeToString(expected));
    }

    @Test
    void sign_whenKeyNotBase64OrEmpty_thenIllegalArgument() {
        assertThatIllegalArgumentException().isThrownBy(() -> SasTokens.sign("x", "***"));
        assertThatIllegalArgumentException().isThrownBy(() -> SasTokens.sign("x", ""));
    }

    @Test
    void create_whenKeyName_thenUpperCaseEncodedSrAndSkn() {
        String token = SasTokens.create("0ne00ABC123/registrations/dev-1", KEY, EXPIRY, "registration");

        assertThat(token).matches("SharedAccessSignature sr=0ne00ABC123%2Fregistrations%2Fdev-1"
                + "&sig=[A-Za-z0-9%]+&se=1767229200&skn=registration");
    }

    @Test
    void create_whenKeyNameNull_thenNoSkn() {
        assertThat(SasTokens.create("S/registrations/dev-1", KEY, EXPIRY, null))
                .endsWith("&se=1767229200").doesNotContain("skn");
    }

    @Test
    void create_whenParsedAndVerified_thenValid() {
        String resource = "0ne00ABC123/registrations/dev:01";
        SasVerifier verifier = new SasVerifier(Duration.ZERO, Clock.fixed(EXPIRY.minusSeconds(60), ZoneOffset.UTC));

        SasToken token = SasToken.parse(SasTokens.create(resource, KEY, EXPIRY, "registration"));

        assertThat(token.resourceRaw()).isEqualTo("0ne00ABC123%2Fregistrations%2Fdev%3A01");
        assertThat(verifier.verify(token, resource, List.of(KEY))).isEqualTo(SasCheck.VALID);
    }
}
