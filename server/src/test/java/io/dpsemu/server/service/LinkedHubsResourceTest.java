package io.dpsemu.server.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dpsemu.protocol.json.DpsJson;
import io.dpsemu.server.service.ServiceApiFixture.Reply;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code GET /dpsemu/linkedHubs}: the configured hubs and default policy, through {@link ServiceApi}. */
class LinkedHubsResourceTest {

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

    @Test
    void get_whenAuthorized_thenDefaultPolicyAndEveryLinkedHubWithItsAllocationSettings() {
        Reply reply = fixture.call("GET", "/dpsemu/linkedHubs").send();

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.json()).isEqualTo(DpsJson.read("{\"allocationPolicy\":\"geoLatency\",\"linkedHubs\":["
                + "{\"hostName\":\"" + ServiceApiFixture.HUB_A + "\","
                + "\"allocationWeight\":1,\"applyAllocationPolicy\":true},"
                + "{\"hostName\":\"" + ServiceApiFixture.HUB_B + "\","
                + "\"allocationWeight\":7,\"applyAllocationPolicy\":false}]}",
                JsonNode.class));
    }

    @Test
    void get_whenNoCredentials_then401() {
        assertThat(fixture.call("GET", "/dpsemu/linkedHubs").header("Authorization", null).send().status())
                .isEqualTo(401);
    }

    @Test
    void put_whenTried_then405WithAllowGet() {
        Reply reply = fixture.call("PUT", "/dpsemu/linkedHubs").body("{}").send();

        assertThat(reply.status()).isEqualTo(405);
        assertThat(reply.headers().get("Allow")).isEqualTo("GET");
    }
}
