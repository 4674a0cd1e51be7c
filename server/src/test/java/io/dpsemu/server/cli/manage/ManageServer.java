package io.dpsemu.server.cli.manage;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dpsemu.protocol.auth.SasTokens;
import io.dpsemu.server.DpsServer;
import io.dpsemu.server.config.ConfigLoader;
import io.dpsemu.server.config.LinkedHub;
import io.dpsemu.server.rawhttp.RawHttpsClient;
import io.dpsemu.server.rawhttp.RawHttpsClient.Response;
import io.dpsemu.store.Store;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A real dpsemu server for the management commands: in-memory store, loopback, ephemeral ports, two
 * linked hubs. {@link #cli} adds {@code --data-dir} and {@code --port} to a command line.
 */
final class ManageServer implements AutoCloseable {

    static final String HUB_A = "hub-a.local";
    static final String HUB_B = "hub-b.local";
    private static final String DEVICE_API_VERSION = "2019-03-31";
    private static final int MAX_POLLS = 100;

    private final DpsServer server;
    private final Path dataDir;

    private ManageServer(DpsServer server, Path dataDir) {
        this.server = server;
        this.dataDir = dataDir;
    }

    static ManageServer start(Path dataDir) {
        return start(dataDir, Map.of());
    }

    static ManageServer start(Path dataDir, Map<String, Object> extra) {
        Map<String, Object> overrides = new HashMap<>();
        overrides.put("dataDir", dataDir.toString());
        overrides.put("store", "memory");
        overrides.put("bind", "127.0.0.1");
        overrides.put("mqttPort", 0);
        overrides.put("httpsPort", 0);
        overrides.put("linkedHubs", List.of(LinkedHub.of(HUB_A), LinkedHub.of(HUB_B)));
        overrides.putAll(extra);
        return new ManageServer(DpsServer.start(ConfigLoader.load(null, Map.of(), overrides)), dataDir);
    }

    int port() {
        return server.httpsPort();
    }

    Path dataDir() {
        return dataDir;
    }

    /** The server's store, for records the service API cannot write (what the device engine keeps). */
    Store store() {
        return server.store();
    }

    Path caCertificate() {
        return server.caCertificate();
    }

    String idScope() {
        return server.idScope();
    }

    /** The command line with {@code --data-dir} and {@code --port} of this server appended. */
    String[] cli(String... args) {
        List<String> all = new ArrayList<>(Arrays.asList(args));
        all.addAll(List.of("--data-dir", dataDir.toString(), "--port", Integer.toString(port())));
        return all.toArray(String[]::new);
    }

    ManageCli.Result run(String... args) {
        return ManageCli.run(cli(args));
    }

    /** The owner policy's primary key, read from the data directory with plain Jackson. */
    String ownerKey() {
        try {
            JsonNode policies = new ObjectMapper().readTree(dataDir.resolve("service-policies.json").toFile());
            for (JsonNode policy : policies) {
                if (policy.path("name").asText().equals("provisioningserviceowner")) {
                    return policy.path("primaryKey").asText();
                }
            }
            throw new AssertionError("no owner policy in " + policies);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Registers a symmetric-key device through the device REST API (PUT register, then polls) and
     * returns the final registration state.
     */
    JsonNode register(String registrationId, String deviceKey) {
        String token = SasTokens.create(idScope() + "/registrations/" + registrationId, deviceKey,
                Instant.now().plus(Duration.ofHours(1)), "registration");
        String base = "/" + idScope() + "/registrations/" + registrationId;
        try (RawHttpsClient client = RawHttpsClient.connect(port(), server.caCertificate())) {
            Response accepted = client.exchange(RawHttpsClient.request("PUT", base + "/register?api-version="
                    + DEVICE_API_VERSION)
                    .header("Host", client.host())
                    .header("Content-Type", "application/json; charset=utf-8")
                    .header("Authorization", token)
                    .body("{\"registrationId\":\"" + registrationId + "\"}"));
            assertThat(accepted.status()).as("%s", accepted).isIn(200, 202);
            String operationId = accepted.json().path("operationId").asText();
            for (int i = 0; i < MAX_POLLS; i++) {
                Response poll = client.exchange(RawHttpsClient.request("GET", base + "/operations/" + operationId
                        + "?api-version=" + DEVICE_API_VERSION)
                        .header("Host", client.host())
                        .header("Authorization", token));
                if (poll.status() == 200) {
                    JsonNode state = poll.json().path("registrationState");
                    assertThat(state.path("status").asText()).as("%s", poll).isEqualTo("assigned");
                    return state;
                }
                assertThat(poll.status()).as("%s", poll).isEqualTo(202);
                Thread.sleep(50);
            }
            throw new AssertionError("registration of " + registrationId + " did not finish");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Override
    public void close() {
        server.close();
    }
}
