package io.dpsemu.server.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.dpsemu.protocol.auth.SasTokens;
import io.dpsemu.protocol.auth.ServicePolicyNames;
import io.dpsemu.protocol.auth.SasVerifier;
import io.dpsemu.server.config.ServiceApiConfig;
import io.dpsemu.server.config.ServicePolicyConfig;
import io.dpsemu.server.config.ServiceRights;
import io.dpsemu.server.service.ServiceAuthenticator.Caller;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** SAS checks of the service API, called directly with a frozen clock. */
class ServiceAuthenticatorTest {

    private static final String HOST = "mydps.example.test";
    private static final String ALIAS = "dps.plant.example";
    private static final Duration SKEW = Duration.ofSeconds(300);
    private static final Duration MAX_LIFETIME = Duration.ofDays(365);
    private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");
    private static final String OWNER = ServicePolicyNames.OWNER;
    private static final String READER_KEY = ServiceApiFixture.newKey();
    private static final String READER_SECONDARY_KEY = ServiceApiFixture.newKey();

    @TempDir
    Path dataDir;

    private ServiceAuthenticator authenticator;
    private String ownerKey;
    private String ownerSecondaryKey;

    @BeforeEach
    void setUp() {
        ServiceApiConfig config = new ServiceApiConfig(HOST, List.of(ALIAS), List.of(
                new ServicePolicyConfig("reader", List.of(ServiceRights.ENROLLMENT_READ), READER_KEY,
                        READER_SECONDARY_KEY)), 10, 100, MAX_LIFETIME.getSeconds());
        ServicePolicies policies = ServicePolicies.load(dataDir, config);
        ServicePolicy owner = policies.find(OWNER).orElseThrow();
        ownerKey = owner.primaryKey();
        ownerSecondaryKey = owner.secondaryKey();
        authenticator = new ServiceAuthenticator(policies, new SasVerifier(SKEW, Clock.fixed(NOW, ZoneOffset.UTC)),
                config);
    }

    @Test
    void ownerToken_whenValid_thenAllowedForEveryRight() {
        String token = token(HOST, ownerKey, NOW.plusSeconds(3600), OWNER);

        for (String right : ServiceRights.NAMES) {
            assertAllowed(authenticator.check(token, right));
        }
        assertThat(authenticator.check(token, ServiceRights.ENROLLMENT_WRITE).may(ServiceRights.ENROLLMENT_READ))
                .isTrue();
    }

    @Test
    void ownerToken_whenSignedWithTheSecondaryKey_thenAllowed() {
        assertAllowed(authenticator.check(token(HOST, ownerSecondaryKey, NOW.plusSeconds(60), OWNER),
                ServiceRights.ENROLLMENT_WRITE));
    }

    @ParameterizedTest
    @ValueSource(strings = {"MYDPS.EXAMPLE.TEST", "MyDps.Example.Test", ALIAS, "DPS.Plant.Example"})
    void resource_whenTheHostNameOrAnAliasInAnyCase_thenAllowed(String sr) {
        // the signature is over sr exactly as sent; only the comparison with the names ignores case
        assertAllowed(authenticator.check(token(sr, ownerKey, NOW.plusSeconds(60), OWNER),
                ServiceRights.ENROLLMENT_READ));
    }

    @Test
    void resource_whenPercentEncoded_thenComparedDecodedAndSignedAsSent() {
        String encoded = "mydps%2Eexample%2etest";
        String se = Long.toString(NOW.plusSeconds(60).getEpochSecond());
        String sig = SasTokens.sign(encoded + "\n" + se, ownerKey);
        String token = "SharedAccessSignature sr=" + encoded + "&sig=" + URLEncoder.encode(sig, StandardCharsets.UTF_8)
                + "&se=" + se + "&skn=" + OWNER;

        assertAllowed(authenticator.check(token, ServiceRights.ENROLLMENT_READ));
    }

    @Test
    void fields_whenInAnotherOrder_thenAllowed() {
        String se = Long.toString(NOW.plusSeconds(60).getEpochSecond());
        String sig = URLEncoder.encode(SasTokens.sign(HOST + "\n" + se, ownerKey), StandardCharsets.UTF_8);
        String token = "SharedAccessSignature sig=" + sig + "&se=" + se + "&skn=" + OWNER + "&sr=" + HOST;

        assertAllowed(authenticator.check(token, ServiceRights.ENROLLMENT_READ));
    }

    /** Issue 11 case 10: a token for another name was accepted when the request's Host named it. */
    @ParameterizedTest
    @ValueSource(strings = {"other-dps.example", "localhost", "mydps.example.test:443", "mydps.example",
            "mydps.example.test.evil.example", "mydps.example.test/enrollments"})
    void resource_whenNeitherTheHostNameNorAnAlias_thenUnauthorizedNamingWhatToSign(String sr) {
        Caller refused = authenticator.check(token(sr, ownerKey, NOW.plusSeconds(60), OWNER),
                ServiceRights.ENROLLMENT_READ);

        assertUnauthorized(refused, "sr='" + sr + "'");
        assertThat(refused.refusal().message()).contains("sign sr=" + HOST + " (service.hostName)")
                .contains(ALIAS).contains("service.hostAliases");
    }

    @Test
    void resource_whenItCarriesControlCharacters_thenTheRefusalQuotesThemEscaped() {
        Caller refused = authenticator.check(token("evil\nINFO forged", ownerKey, NOW.plusSeconds(60), OWNER),
                ServiceRights.ENROLLMENT_READ);

        assertUnauthorized(refused, "sr='evil\\nINFO forged'");
        assertThat(refused.refusal().message()).doesNotContain("\n");
    }

    @Test
    void signature_whenMadeWithAnotherKey_thenUnauthorized() {
        assertUnauthorized(authenticator.check(token(HOST, ServiceApiFixture.newKey(), NOW.plusSeconds(60), OWNER),
                ServiceRights.ENROLLMENT_READ), "signature");
    }

    @Test
    void signature_whenMadeWithAnotherPolicysKey_thenUnauthorized() {
        assertUnauthorized(authenticator.check(token(HOST, READER_KEY, NOW.plusSeconds(60), OWNER),
                ServiceRights.ENROLLMENT_READ), "signature");
    }

    @Test
    void expiry_whenPastTheClockSkew_thenUnauthorized() {
        assertUnauthorized(authenticator.check(token(HOST, ownerKey, NOW.minus(SKEW).minusSeconds(1), OWNER),
                ServiceRights.ENROLLMENT_READ), "expired at " + NOW.minus(SKEW).minusSeconds(1));
    }

    @Test
    void expiry_whenNowOrWithinTheClockSkew_thenStillAllowed() {
        assertAllowed(authenticator.check(token(HOST, ownerKey, NOW, OWNER), ServiceRights.ENROLLMENT_READ));
        assertAllowed(authenticator.check(token(HOST, ownerKey, NOW.minus(SKEW), OWNER),
                ServiceRights.ENROLLMENT_READ));
    }

    @Test
    void lifetime_whenUpToTheMaximumPlusClockSkew_thenAllowed() {
        assertAllowed(authenticator.check(token(HOST, ownerKey, NOW.plus(MAX_LIFETIME), OWNER),
                ServiceRights.ENROLLMENT_READ));
        assertAllowed(authenticator.check(token(HOST, ownerKey, NOW.plus(MAX_LIFETIME).plus(SKEW), OWNER),
                ServiceRights.ENROLLMENT_READ));
    }

    /** Issue 11 case 10: se = 10^15 - 1 (year 31690) was accepted. */
    @ParameterizedTest
    @ValueSource(longs = {999_999_999_999_999L, 4_102_444_800L})
    void lifetime_whenBeyondTheMaximum_thenUnauthorizedNamingTheKey(long se) {
        String sig = URLEncoder.encode(SasTokens.sign(HOST + "\n" + se, ownerKey), StandardCharsets.UTF_8);
        String token = "SharedAccessSignature sr=" + HOST + "&sig=" + sig + "&se=" + se + "&skn=" + OWNER;

        assertUnauthorized(authenticator.check(token, ServiceRights.ENROLLMENT_READ),
                "service.maxTokenLifetimeSeconds");
    }

    @Test
    void lifetime_whenJustBeyondTheMaximumPlusClockSkew_thenUnauthorized() {
        Caller refused = authenticator.check(token(HOST, ownerKey, NOW.plus(MAX_LIFETIME).plus(SKEW).plusSeconds(1),
                OWNER), ServiceRights.ENROLLMENT_READ);

        assertUnauthorized(refused, "longer than this service accepts");
        assertThat(refused.refusal().message()).contains(Long.toString(MAX_LIFETIME.getSeconds()));
    }

    @Test
    void lifetime_isCheckedOnlyOnceTheSignatureHolds() {
        assertUnauthorized(authenticator.check(token(HOST, ServiceApiFixture.newKey(), NOW.plus(Duration.ofDays(9999)),
                OWNER), ServiceRights.ENROLLMENT_READ), "signature");
    }

    @Test
    void keyName_whenUnknown_thenUnauthorizedNamingIt() {
        assertUnauthorized(authenticator.check(token(HOST, ownerKey, NOW.plusSeconds(60), "nosuchpolicy"),
                ServiceRights.ENROLLMENT_READ), "nosuchpolicy");
    }

    @Test
    void keyName_whenMissing_thenUnauthorized() {
        assertUnauthorized(authenticator.check(token(HOST, ownerKey, NOW.plusSeconds(60), null),
                ServiceRights.ENROLLMENT_READ), "skn");
    }

    @Test
    void keyName_whenInAnotherCase_thenThePolicyIsFound() {
        assertAllowed(authenticator.check(token(HOST, ownerKey, NOW.plusSeconds(60), "ProvisioningServiceOwner"),
                ServiceRights.ENROLLMENT_READ));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   "})
    void header_whenMissingOrBlank_thenUnauthorized(String header) {
        assertUnauthorized(authenticator.check(header, ServiceRights.ENROLLMENT_READ), "Authorization");
        assertUnauthorized(authenticator.check(null, ServiceRights.ENROLLMENT_READ), "Authorization");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Bearer abc.def.ghi", "SharedAccessSignature sr=x&se=1", "SharedAccessSignature garbage"})
    void header_whenNotASasToken_thenUnauthorized(String header) {
        assertUnauthorized(authenticator.check(header, ServiceRights.ENROLLMENT_READ), "malformed");
    }

    @Test
    void right_whenThePolicyLacksIt_thenForbiddenNamingIt() {
        String token = token(HOST, READER_KEY, NOW.plusSeconds(60), "reader");

        assertAllowed(authenticator.check(token, ServiceRights.ENROLLMENT_READ));
        Caller refused = authenticator.check(token, ServiceRights.ENROLLMENT_WRITE);
        assertThat(refused.allowed()).isFalse();
        assertThat(refused.refusal().httpStatus()).isEqualTo(403);
        assertThat(refused.refusal().errorCode()).isEqualTo(403001);
        assertThat(refused.refusal().message()).contains("reader").contains(ServiceRights.ENROLLMENT_WRITE);
    }

    @Test
    void right_whenPolicyKeySignsButRightMissing_thenForbiddenNotUnauthorized() {
        String token = token(HOST, READER_SECONDARY_KEY, NOW.plusSeconds(60), "reader");

        assertThat(authenticator.check(token, ServiceRights.REGISTRATION_STATUS_WRITE).refusal().httpStatus())
                .isEqualTo(403);
    }

    private static String token(String resource, String key, Instant expiry, String keyName) {
        return SasTokens.create(resource, key, expiry, keyName);
    }

    private static void assertAllowed(Caller caller) {
        assertThat(caller.refusal()).as("refusal").isNull();
        assertThat(caller.allowed()).isTrue();
        assertThat(caller.policy()).isNotNull();
    }

    private static void assertUnauthorized(Caller refused, String messagePart) {
        assertThat(refused.allowed()).isFalse();
        assertThat(refused.refusal()).satisfies(e -> {
            assertThat(e.httpStatus()).isEqualTo(401);
            assertThat(e.errorCode()).isEqualTo(401002);
            assertThat(e.message()).contains(messagePart);
        });
    }
}
