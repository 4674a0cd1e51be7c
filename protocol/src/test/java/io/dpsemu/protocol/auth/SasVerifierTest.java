package io.dpsemu.protocol.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import io.dpsemu.protocol.PercentEncoding;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SasVerifierTest {

    private static final String SCOPE = "0ne00ABC123";
    private static final String ID = "sensor:01.a";
    private static final String RESOURCE = SCOPE + "/registrations/" + ID;
    private static final String PRIMARY = "aGVsbG8tcHJpbWFyeS1rZXktMzItYnl0ZXMtbG9uZyE=";
    private static final String SECONDARY = "c2Vjb25kYXJ5LWtleS1mb3ItdGhlLXNhbWUtZGV2aWNl";
    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
    private static final Duration SKEW = Duration.ofMinutes(5);
    private static final String SE = Long.toString(NOW.plusSeconds(3600).getEpochSecond());
    private static final Pattern ESCAPE = Pattern.compile("%[0-9A-F]{2}");

    private final SasVerifier verifier = new SasVerifier(SKEW, Clock.fixed(NOW, ZoneOffset.UTC));

    /** Each SDK's token (docs/protocol-notes.md#sas-tokens), signed over its own {@code sr} spelling. */
    static Stream<Arguments> sdkTokens() {
        String upperSr = SCOPE + "%2Fregistrations%2F" + "sensor%3A01.a";
        String lowerSr = lowerHex(upperSr);
        String mixedSr = SCOPE + "%2fregistrations%2f" + "sensor%3A01.a";
        String rawSr = RESOURCE;
        return Stream.of(
                Arguments.of("C", "SharedAccessSignature sr=" + lowerSr + "&sig="
                        + lowerHex(upper(sig(lowerSr, SE, PRIMARY)))
                        + "&se=" + SE + "&skn=registration"),
                Arguments.of("embedded C", "SharedAccessSignature sr=" + mixedSr + "&sig="
                        + upper(sig(mixedSr, SE, PRIMARY))
                        + "&se=" + SE),
                Arguments.of("Java", "SharedAccessSignature sr=" + rawSr + "&sig=" + form(sig(rawSr, SE, PRIMARY))
                        + "&se=" + SE + "&skn="),
                Arguments.of("Node", "SharedAccessSignature sr=" + rawSr + "&sig=" + upper(sig(rawSr, SE, PRIMARY))
                        + "&skn=registration&se=" + SE),
                Arguments.of("Python", "SharedAccessSignature sr=" + upperSr + "&sig="
                        + upper(sig(upperSr, SE, PRIMARY))
                        + "&se=" + SE),
                Arguments.of("C#", "SharedAccessSignature sr=" + upperSr + "&sig=" + form(sig(upperSr, SE, PRIMARY))
                        + "&se=" + SE + "&skn=registration"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sdkTokens")
    void verify_whenSdkTokenForm_thenValid(String sdk, String token) {
        assertThat(verifier.verify(SasToken.parse(token), RESOURCE, List.of(PRIMARY))).isEqualTo(SasCheck.VALID);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sdkTokens")
    void verify_whenExpectedResourceInOtherCase_thenValid(String sdk, String token) {
        assertThat(verifier.verify(SasToken.parse(token), RESOURCE.toUpperCase(Locale.ROOT), List.of(PRIMARY)))
                .isEqualTo(SasCheck.VALID);
    }

    @Test
    void verify_whenSignedWithSecondaryKey_thenValid() {
        assertThat(verifier.verify(token(SECONDARY, SE), RESOURCE, List.of(PRIMARY, SECONDARY)))
                .isEqualTo(SasCheck.VALID);
    }

    @Test
    void verify_whenSignedWithOtherKey_thenSignatureMismatch() {
        assertThat(verifier.verify(token(SECONDARY, SE), RESOURCE, List.of(PRIMARY)))
                .isEqualTo(SasCheck.SIGNATURE_MISMATCH);
    }

    @Test
    void verify_whenNoKeys_thenSignatureMismatch() {
        assertThat(verifier.verify(token(PRIMARY, SE), RESOURCE, List.of())).isEqualTo(SasCheck.SIGNATURE_MISMATCH);
    }

    @Test
    void verify_whenUnusableKeysPrecedeGoodOne_thenSkippedAndValid() {
        List<String> keys = Arrays.asList(null, "", "   ", "not base64!", "====", PRIMARY);

        assertThat(verifier.verify(token(PRIMARY, SE), RESOURCE, keys)).isEqualTo(SasCheck.VALID);
    }

    @Test
    void verify_whenKeyHasSurroundingWhitespace_thenValid() {
        assertThat(verifier.verify(token(PRIMARY, SE), RESOURCE, List.of(" " + PRIMARY + "\n")))
                .isEqualTo(SasCheck.VALID);
    }

    @Test
    void verify_whenSrReencodedAfterSigning_thenSignatureMismatch() {
        String signedSr = SCOPE + "%2Fregistrations%2Fsensor%3A01.a";
        String token = "sr=" + lowerHex(signedSr) + "&sig=" + upper(sig(signedSr, SE, PRIMARY)) + "&se=" + SE;

        assertThat(verifier.verify(SasToken.parse(token), RESOURCE, List.of(PRIMARY)))
                .isEqualTo(SasCheck.SIGNATURE_MISMATCH);
    }

    @Test
    void verify_whenSeChangedAfterSigning_thenSignatureMismatch() {
        String token = "sr=" + RESOURCE + "&sig=" + upper(sig(RESOURCE, SE, PRIMARY)) + "&se="
                + (Long.parseLong(SE) + 1);

        assertThat(verifier.verify(SasToken.parse(token), RESOURCE, List.of(PRIMARY)))
                .isEqualTo(SasCheck.SIGNATURE_MISMATCH);
    }

    @Test
    void verify_whenExpiredBeyondSkew_thenExpired() {
        String se = Long.toString(NOW.minus(SKEW).minusSeconds(1).getEpochSecond());

        assertThat(verifier.verify(token(PRIMARY, se), RESOURCE, List.of(PRIMARY))).isEqualTo(SasCheck.EXPIRED);
    }

    @Test
    void verify_whenExpiredWithinSkew_thenValid() {
        String se = Long.toString(NOW.minus(SKEW).plusSeconds(1).getEpochSecond());

        assertThat(verifier.verify(token(PRIMARY, se), RESOURCE, List.of(PRIMARY))).isEqualTo(SasCheck.VALID);
    }

    @Test
    void verify_whenExpiryPlusSkewIsNow_thenValid() {
        String se = Long.toString(NOW.minus(SKEW).getEpochSecond());

        assertThat(verifier.verify(token(PRIMARY, se), RESOURCE, List.of(PRIMARY))).isEqualTo(SasCheck.VALID);
    }

    @Test
    void verify_whenNoSkewAndExpired_thenExpired() {
        SasVerifier strict = new SasVerifier(Duration.ZERO, Clock.fixed(NOW, ZoneOffset.UTC));
        String se = Long.toString(NOW.minusSeconds(1).getEpochSecond());

        assertThat(strict.verify(token(PRIMARY, se), RESOURCE, List.of(PRIMARY))).isEqualTo(SasCheck.EXPIRED);
    }

    @Test
    void verify_whenTokenForAnotherDevice_thenResourceMismatch() {
        String otherResource = SCOPE + "/registrations/sensor:02.a";
        SasToken token = SasToken.parse(SasTokens.create(otherResource, PRIMARY, NOW.plusSeconds(60), null));

        assertThat(verifier.verify(token, RESOURCE, List.of(PRIMARY))).isEqualTo(SasCheck.RESOURCE_MISMATCH);
    }

    @Test
    void verify_whenTokenForAnotherScope_thenResourceMismatch() {
        SasToken token =
                SasToken.parse(SasTokens.create("0ne00XYZ/registrations/" + ID, PRIMARY, NOW.plusSeconds(60), null));

        assertThat(verifier.verify(token, RESOURCE, List.of(PRIMARY))).isEqualTo(SasCheck.RESOURCE_MISMATCH);
    }

    @Test
    void verify_whenResourceWrongAndSignatureWrong_thenResourceMismatchFirst() {
        SasToken token = SasToken.parse(SasTokens.create(SCOPE + "/registrations/other", SECONDARY,
                NOW.minusSeconds(3600), null));

        assertThat(verifier.verify(token, RESOURCE, List.of(PRIMARY))).isEqualTo(SasCheck.RESOURCE_MISMATCH);
    }

    @Test
    void verify_whenSignatureWrongAndExpired_thenSignatureMismatchFirst() {
        String se = Long.toString(NOW.minusSeconds(3600).getEpochSecond());

        assertThat(verifier.verify(token(SECONDARY, se), RESOURCE, List.of(PRIMARY)))
                .isEqualTo(SasCheck.SIGNATURE_MISMATCH);
    }

    @Test
    void verify_whenSignedWithGroupDerivedKey_thenValid() {
        String id = "breakroom499-contoso-tstrsd-007";
        String resource = SCOPE + "/registrations/" + id;
        String deviceKey = DerivedKeys.deviceKey(DerivedKeysTest.GROUP_KEY, id);
        SasToken token = SasToken.parse(SasTokens.create(resource, deviceKey, NOW.plusSeconds(60), "registration"));

        assertThat(verifier.verify(token, resource, List.of(DerivedKeys.deviceKey(DerivedKeysTest.GROUP_KEY, id))))
                .isEqualTo(SasCheck.VALID);
    }

    @Test
    void verify_whenSignedWithGroupKeyItself_thenSignatureMismatch() {
        String id = "breakroom499-contoso-tstrsd-007";
        String resource = SCOPE + "/registrations/" + id;
        SasToken token =
                SasToken.parse(SasTokens.create(resource, DerivedKeysTest.GROUP_KEY, NOW.plusSeconds(60), null));

        assertThat(verifier.verify(token, resource, List.of(DerivedKeys.deviceKey(DerivedKeysTest.GROUP_KEY, id))))
                .isEqualTo(SasCheck.SIGNATURE_MISMATCH);
    }

    @Test
    void constructor_whenNegativeSkew_thenIllegalArgument() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new SasVerifier(Duration.ofSeconds(-1), Clock.systemUTC()))
                .withMessageContaining("clockSkew must not be negative");
    }

    private static SasToken token(String key, String se) {
        return SasToken.parse("SharedAccessSignature sr=" + RESOURCE + "&sig=" + upper(sig(RESOURCE, se, key))
                + "&se=" + se);
    }

    private static String sig(String sr, String se, String key) {
        return SasTokens.sign(sr + "\n" + se, key);
    }

    private static String upper(String value) {
        return PercentEncoding.encode(value);
    }

    private static String form(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static String lowerHex(String encoded) {
        return ESCAPE.matcher(encoded).replaceAll(m -> m.group().toLowerCase(Locale.ROOT));
    }
}
