package io.dpsemu.server.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.dpsemu.protocol.auth.SasTokens;
import io.dpsemu.protocol.auth.ServicePolicyNames;
import io.dpsemu.server.service.ServiceApiFixture.Reply;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Routing, credentials and rights of {@link ServiceApi} as a whole. */
class ServiceApiTest {

    private static final String Q = "?api-version=2021-10-01";

    @TempDir
    Path dataDir;

    private ServiceApiFixture fixture;

    @BeforeEach
    void start() {
        fixture = new ServiceApiFixture(dataDir);
    }

    @AfterEach
    void stop() {
        fixture.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/", "/other", "/enrollments/", "/enrollments//attestationmechanism",
            "/enrollments/x/unknown", "/enrollments/x/attestationmechanism/more", "/registrations/x/y",
            "/0ne00000001/registrations/dev-1/register"})
    void paths_whenNoServiceResource_thenNotClaimed(String path) {
        assertThat(fixture.call("PUT", path + Q).body("{}").sendIfClaimed()).isEmpty();
    }

    @Test
    void request_withoutAuthorization_thenUnauthorizedWithDpsErrorBody() {
        Reply reply = fixture.call("GET", "/enrollments/dev-1" + Q).header("Authorization", null).send();

        assertThat(reply.status()).isEqualTo(401);
        assertThat(reply.errorCode()).isEqualTo(401002);
        assertThat(reply.header("x-ms-error-code")).isEqualTo("401002");
        assertThat(reply.json().path("trackingId").asText()).isNotBlank();
        assertThat(reply.json().path("timestampUtc").asText()).endsWith("Z");
    }

    @Test
    void request_withExpiredToken_thenUnauthorized() {
        String expired = SasTokens.create(ServiceApiFixture.HOST, fixture.ownerKey, Instant.now().minusSeconds(60),
                ServicePolicyNames.OWNER);

        Reply reply = fixture.call("GET", "/enrollments/dev-1" + Q).header("Authorization", expired).send();

        assertThat(reply.status()).isEqualTo(401);
        assertThat(reply.json().path("message").asText()).contains("expired");
    }

    /** Issue 11 case 10: the request's Host used to decide which sr was accepted. */
    @Test
    void request_whenTokenIsForTheHostHeaderButNotThisService_thenUnauthorized() {
        String token = SasTokens.create("other-dps.example", fixture.ownerKey, Instant.now().plusSeconds(60),
                ServicePolicyNames.OWNER);

        Reply reply = fixture.call("GET", "/enrollments/dev-1" + Q).header("Host", "other-dps.example:443")
                .header("Authorization", token).send();

        assertThat(reply.status()).isEqualTo(401);
        assertThat(reply.errorCode()).isEqualTo(401002);
        assertThat(reply.json().path("message").asText()).contains("other-dps.example")
                .contains(ServiceApiFixture.HOST);
    }

    @Test
    void request_whenTokenIsForAnAlias_thenAcceptedWhateverTheHostHeader() {
        String token = SasTokens.create(ServiceApiFixture.ALIAS, fixture.ownerKey, Instant.now().plusSeconds(60),
                ServicePolicyNames.OWNER);

        Reply reply = fixture.call("GET", "/enrollments/dev-1" + Q).header("Host", "localhost:443")
                .header("Authorization", token).send();

        assertThat(reply.status()).as(reply.toString()).isEqualTo(404);
    }

    @Test
    void request_whenTokenOutlivesTheMaximumLifetime_thenUnauthorized() {
        String token = SasTokens.create(ServiceApiFixture.HOST, fixture.ownerKey,
                Instant.now().plus(Duration.ofDays(400)), ServicePolicyNames.OWNER);

        Reply reply = fixture.call("GET", "/enrollments/dev-1" + Q).header("Authorization", token).send();

        assertThat(reply.status()).isEqualTo(401);
        assertThat(reply.json().path("message").asText()).contains("service.maxTokenLifetimeSeconds");
    }

    @Test
    void reader_whenWritingEnrollments_thenForbidden_whileReadsPass() {
        Reply put = fixture.call("PUT", "/enrollments/dev-1" + Q)
                .as(ServiceApiFixture.READER, ServiceApiFixture.READER_KEY)
                .body("{\"attestation\":{\"type\":\"symmetricKey\"}}").send();
        Reply bulk = fixture.call("POST", "/enrollmentGroups" + Q)
                .as(ServiceApiFixture.READER, ServiceApiFixture.READER_KEY)
                .body("{\"mode\":\"create\",\"enrollmentGroups\":[]}").send();
        Reply query = fixture.call("POST", "/enrollments/query" + Q)
                .as(ServiceApiFixture.READER, ServiceApiFixture.READER_KEY).send();

        assertThat(put.status()).isEqualTo(403);
        assertThat(put.errorCode()).isEqualTo(403001);
        assertThat(bulk.status()).isEqualTo(403);
        assertThat(query.status()).isEqualTo(200);
        assertThat(fixture.store.findEnrollment("dev-1")).isEmpty();
    }

    @Test
    void wrongMethod_thenMethodNotAllowedWithoutCredentials() {
        Reply patch = fixture.call("PATCH", "/enrollments/dev-1" + Q).header("Authorization", null).send();
        Reply getAttestation = fixture.call("GET", "/enrollmentGroups/g/attestationmechanism" + Q).send();
        Reply getCollection = fixture.call("GET", "/enrollments" + Q).send();

        assertThat(patch.status()).isEqualTo(405);
        assertThat(patch.errorCode()).isEqualTo(405001);
        assertThat(patch.header("Allow")).isEqualTo("GET, PUT, DELETE");
        assertThat(getAttestation.status()).isEqualTo(405);
        assertThat(getAttestation.header("Allow")).isEqualTo("POST");
        assertThat(getCollection.status()).isEqualTo(405);
        assertThat(getCollection.header("Allow")).isEqualTo("POST");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/enrollments/%zz", "/enrollments/dev-1%", "/registrations/%C3%28",
        "/enrollmentGroups/%/query"})
    void path_whenPercentEncodingIsBroken_thenBadRequestRatherThanAnException(String path) {
        Reply reply = fixture.call("GET", path + Q).send();

        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.errorCode()).isEqualTo(400001);
        assertThat(reply.json().path("message").asText()).contains("path");
    }

    @Test
    void encodedSlash_whenInAnId_thenPartOfTheIdNotAPathSeparator() {
        Reply put = fixture.call("PUT", "/enrollments/a%2Fattestationmechanism" + Q)
                .body("{\"attestation\":{\"type\":\"symmetricKey\"}}").send();
        Reply query = fixture.call("POST", "/registrations/g%2Fquery" + Q).send();

        assertThat(put.status()).isEqualTo(400);
        assertThat(put.errorCode()).isEqualTo(400004);
        assertThat(put.json().path("message").asText()).contains("registrationId");
        assertThat(query.status()).as("POST on a registration record").isEqualTo(405);
    }

    @Test
    void percentEncodedId_whenUsed_thenDecoded() {
        fixture.call("PUT", "/enrollments/dev%3A1" + Q).body("{\"attestation\":{\"type\":\"symmetricKey\"}}").send();

        assertThat(fixture.store.findEnrollment("dev:1")).isPresent();
        assertThat(fixture.call("GET", "/enrollments/dev:1" + Q).send().status()).isEqualTo(200);
    }
}
