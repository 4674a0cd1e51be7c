package io.dpsemu.server.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.dpsemu.protocol.auth.SasTokens;
import io.dpsemu.protocol.auth.SasVerifier;
import io.dpsemu.protocol.auth.ServicePolicyNames;
import io.dpsemu.protocol.model.DpsError;
import io.dpsemu.server.config.ServiceApiConfig;
import io.dpsemu.server.config.ServicePolicyConfig;
import io.dpsemu.server.config.ServiceRights;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** SAS checks of the service API, called directly with a frozen clock. */
class ServiceAuthenticatorTest {

    private static final String HOST = "mydps.example.test";
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
        ServicePolicies policies = ServicePolicies.load(dataDir, new ServiceApiConfig(HOST, List.of(
                new ServicePolicyConfig("reader", List.of(ServiceRights.ENROLLMENT_READ), READER_KEY,
                        READER_SECONDARY_KEY)), 10, 100));
        ServicePolicy owner = policies.find(OWNER).orElseThrow();
        ownerKey = owner.primaryKey();
        ownerSecondaryKey = owner.secondaryKey();
        authenticator = new ServiceAuthenticator(policies,
                new SasVerifier(Duration.ZERO, Clock.fixed(NOW, ZoneOffset.UTC)), HOST);
    }

    @Test
    void ownerToken_whenValid_thenAllowedForEveryRight() {
        String token = token(HOST, ownerKey, NOW.plusSeconds(3600), OWNER);

        for (String right : ServiceRights.NAMES) {
            assertThat(authenticator.check(token, HOST, right)).as(right).isEmpty();
        }
    }

    @Test
    void ownerToken_whenSignedWithTheSecondaryKey_thenAllowed() {
        assertThat(authenticator.check(token(HOST, ownerSecondaryKey, NOW.plusSeconds(60), OWNER), HOST,
                ServiceRights.ENROLLMENT_WRITE)).isEmpty();
    }

    @Test
    void token_whenHostHeaderIsMissing_thenTheConfiguredHostNameIsExpected() {
        assertThat(authenticator.check(token(HOST, ownerKey, NOW.plusSeconds(60), OWNER), null,
                ServiceRights.ENROLLMENT_READ)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"MYDPS.EXAMPLE.TEST", "MyDps.Example.Test"})
    void resource_whenInAnotherCase_thenAllowed(String sr) {
        // the signature is over sr exactly as sent; only the comparison with the host ignores case
        assertThat(authenticator.check(token(sr, ownerKey, NOW.plusSeconds(60), OWNER), HOST,
                ServiceRights.ENROLLMENT_READ)).isEmpty();
    }

    @Test
    void resource_whenPercentEncoded_thenComparedDecodedAndSignedAsSent() {
        String encoded = "mydps%2Eexample%2etest";
        String se = Long.toString(NOW.plusSeconds(60).getEpochSecond());
        String sig = SasTokens.sign(encoded + "\n" + se, ownerKey);
        String token = "SharedAccessSignature sr=" + encoded + "&sig=" + URLEncoder.encode(sig, StandardCharsets.UTF_8)
                + "&se=" + se + "&skn=" + OWNER;

        assertThat(authenticator.check(token, HOST, ServiceRights.ENROLLMENT_READ)).isEmpty();
    }

    @Test
    void fields_whenInAnotherOrder_thenAllowed() {
        String se = Long.toString(NOW.plusSeconds(60).getEpochSecond());
        String sig = URLEncoder.encode(SasTokens.sign(HOST + "\n" + se, ownerKey), StandardCharsets.UTF_8);
        String token = "SharedAccessSignature sig=" + sig + "&se=" + se + "&skn=" + OWNER + "&sr=" + HOST;

        assertThat(authenticator.check(token, HOST, ServiceRights.ENROLLMENT_READ)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"localhost:443", "localhost:8443", "LOCALHOST:443", "localhost"})
    void resource_whenItIsTheRequestsHostWithOrWithoutPort_thenAllowed(String hostHeader) {
        assertThat(authenticator.check(token("localhost", ownerKey, NOW.plusSeconds(60), OWNER), hostHeader,
                ServiceRights.ENROLLMENT_READ)).isEmpty();
    }

    @Test
    void resource_whenIpv6HostHeaderWithPort_thenComparedWithoutThePort() {
        assertThat(authenticator.check(token("[::1]", ownerKey, NOW.plusSeconds(60), OWNER), "[::1]:443",
                ServiceRights.ENROLLMENT_READ)).isEmpty();
    }

    @Test
    void resource_whenNeitherTheConfiguredHostNorTheRequestsHost_thenUnauthorized() {
        Optional<DpsError> refused = authenticator.check(token("other.example", ownerKey, NOW.plusSeconds(60), OWNER),
                "localhost:443", ServiceRights.ENROLLMENT_READ);

        assertUnauthorized(refused, "other.example");
    }

    @Test
    void signature_whenMadeWithAnotherKey_thenUnauthorized() {
        Optional<DpsError> refused = authenticator.check(
                token(HOST, ServiceApiFixture.newKey(), NOW.plusSeconds(60), OWNER), HOST,
                ServiceRights.ENROLLMENT_READ);

        assertUnauthorized(refused, "signature");
    }

    @Test
    void signature_whenMadeWithAnotherPolicysKey_thenUnauthorized() {
        assertUnauthorized(authenticator.check(token(HOST, READER_KEY, NOW.plusSeconds(60), OWNER), HOST,
                ServiceRights.ENROLLMENT_READ), "signature");
    }

    @Test
    void expiry_whenPast_thenUnauthorized() {
        assertUnauthorized(authenticator.check(token(HOST, ownerKey, NOW.minusSeconds(1), OWNER), HOST,
                ServiceRights.ENROLLMENT_READ), "expired");
    }

    @Test
    void expiry_whenNow_thenStillAllowed() {
        assertThat(authenticator.check(token(HOST, ownerKey, NOW, OWNER), HOST, ServiceRights.ENROLLMENT_READ))
                .isEmpty();
    }

    @Test
    void keyName_whenUnknown_thenUnauthorizedNamingIt() {
        assertUnauthorized(authenticator.check(token(HOST, ownerKey, NOW.plusSeconds(60), "nosuchpolicy"), HOST,
                ServiceRights.ENROLLMENT_READ), "nosuchpolicy");
    }

    @Test
    void keyName_whenMissing_thenUnauthorized() {
        assertUnauthorized(authenticator.check(token(HOST, ownerKey, NOW.plusSeconds(60), null), HOST,
                ServiceRights.ENROLLMENT_READ), "skn");
    }

    @Test
    void keyName_whenInAnotherCase_thenThePolicyIsFound() {
        assertThat(authenticator.check(token(HOST, ownerKey, NOW.plusSeconds(60), "ProvisioningServiceOwner"), HOST,
                ServiceRights.ENROLLMENT_READ)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   "})
    void header_whenMissingOrBlank_thenUnauthorized(String header) {
        assertUnauthorized(authenticator.check(header, HOST, ServiceRights.ENROLLMENT_READ), "Authorization");
        assertUnauthorized(authenticator.check(null, HOST, ServiceRights.ENROLLMENT_READ), "Authorization");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Bearer abc.def.ghi", "SharedAccessSignature sr=x&se=1", "SharedAccessSignature garbage"})
    void header_whenNotASasToken_thenUnauthorized(String header) {
        assertUnauthorized(authenticator.check(header, HOST, ServiceRights.ENROLLMENT_READ), "malformed");
    }

    @Test
    void right_whenThePolicyLacksIt_thenForbiddenNamingIt() {
        String token = token(HOST, READER_KEY, NOW.plusSeconds(60), "reader");

        assertThat(authenticator.check(token, HOST, ServiceRights.ENROLLMENT_READ)).isEmpty();
        Optional<DpsError> refused = authenticator.check(token, HOST, ServiceRights.ENROLLMENT_WRITE);
        assertThat(refused).get().satisfies(e -> {
            assertThat(e.httpStatus()).isEqualTo(403);
            assertThat(e.errorCode()).isEqualTo(403001);
            assertThat(e.message()).contains("reader").contains(ServiceRights.ENROLLMENT_WRITE);
        });
    }

    @Test
    void right_whenPolicyKeySignsButRightMissing_thenForbiddenNotUnauthorized() {
        String token = token(HOST, READER_SECONDARY_KEY, NOW.plusSeconds(60), "reader");

        assertThat(authenticator.check(token, HOST, ServiceRights.REGISTRATION_STATUS_WRITE)).get()
                .extracting(DpsError::httpStatus).isEqualTo(403);
    }

    private static String token(String resource, String key, Instant expiry, String keyName) {
        return SasTokens.create(resource, key, expiry, keyName);
    }

    private static void assertUnauthorized(Optional<DpsError> refused, String messagePart) {
        assertThat(refused).get().satisfies(e -> {
            assertThat(e.httpStatus()).isEqualTo(401);
            assertThat(e.errorCode()).isEqualTo(401002);
            assertThat(e.message()).contains(messagePart);
        });
    }
}
