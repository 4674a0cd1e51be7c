package io.dpsemu.server.allocation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dpsemu.protocol.enrollment.AllocationPolicy;
import io.dpsemu.protocol.enrollment.IndividualEnrollment;
import io.dpsemu.server.config.AllocationConfig;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class WebhookClientTest {

    private static final String HUB_A = "hub-a.azure-devices.net";
    private static final String HUB_B = "hub-b.azure-devices.net";
    private static final AllocationRequest REQUEST = new AllocationRequest(true,
            IndividualEnrollment.symmetricKey("dev-1", null, null), "dev-1", null, null, "symmetricKey", null, null,
            List.of(HUB_A, HUB_B));

    private static WebhookClient client(int timeoutMillis, int maxCalls, int maxBytes) {
        return new WebhookClient(new AllocationConfig(AllocationPolicy.HASHED, timeoutMillis, maxCalls, maxBytes));
    }

    private static AllocationResponse call(WebhookClient client, String url) throws Exception {
        try {
            return client.reserve().orElseThrow().call(url, REQUEST).get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw (Exception) e.getCause();
        }
    }

    @Test
    void call_whenWebhookAnswers_thenItsAllocationAndTheRequestItReceived() throws Exception {
        try (WebhookServer webhook = new WebhookServer(request -> WebhookServer.Reply.ok(
                "{\"iotHubHostName\":\"" + HUB_B + "\",\"payload\":{\"hello\":\"device\"}}"))) {
            AllocationResponse response = call(client(5000, 4, 65536), webhook.url());

            assertThat(response.iotHubHostName()).isEqualTo(HUB_B);
            assertThat(response.payload().get("hello").asText()).isEqualTo("device");
            assertThat(webhook.requests()).hasSize(1);
            assertThat(webhook.requests().get(0).get("deviceRuntimeContext").get("registrationId").asText())
                    .isEqualTo("dev-1");
        }
    }

    @Test
    void call_whenWebhookAnswers500_thenFailsWithDpsWordingAndStatus() throws Exception {
        try (WebhookServer webhook = new WebhookServer(request -> new WebhookServer.Reply(500, "{}", 0))) {
            assertThatThrownBy(() -> call(client(5000, 4, 65536), webhook.url()))
                    .isInstanceOf(CustomAllocationException.class)
                    .hasMessage("Custom allocation failed with status code: 500");
        }
    }

    @Test
    void call_whenWebhookTooSlow_thenFailsNamingTheTimeoutButNotTheFunctionKey() throws Exception {
        try (WebhookServer webhook = new WebhookServer(request -> new WebhookServer.Reply(200, "{}", 3000))) {
            assertThatThrownBy(() -> call(client(300, 4, 65536), webhook.url()))
                    .isInstanceOf(CustomAllocationException.class)
                    .hasMessageContaining("did not answer within 300 ms")
                    .hasMessageNotContaining("test-key");
        }
    }

    @Test
    void call_whenReplyIsTrickledPastTheTimeout_thenFailsInTimeAndTheConnectionIsClosed() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<Boolean> closedByClient = CompletableFuture.supplyAsync(() -> trickle(listener));
            String url = "http://127.0.0.1:" + listener.getLocalPort() + "/api/allocate";
            long start = System.nanoTime();

            assertThatThrownBy(() -> call(client(500, 1, 65536), url))
                    .isInstanceOf(CustomAllocationException.class)
                    .hasMessageContaining("did not answer within 500 ms");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
            assertThat(closedByClient.get(10, TimeUnit.SECONDS)).as("the exchange was aborted").isTrue();
        }
    }

    /**
     * Accepts one request, sends the headers and then one byte of the body every 100 ms for 8 s;
     * true when the client closed the connection meanwhile.
     */
    private static boolean trickle(ServerSocket listener) {
        try (Socket socket = listener.accept()) {
            socket.getInputStream().read(new byte[8192]);
            OutputStream out = socket.getOutputStream();
            out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            for (int i = 0; i < 80; i++) {
                Thread.sleep(100);
                out.write(' ');
                out.flush();
            }
            return false;
        } catch (IOException e) {
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Test
    void call_whenReplyLongerThanLimit_thenFailsNamingTheLimit() throws Exception {
        String big = "{\"iotHubHostName\":\"" + HUB_A + "\",\"payload\":{\"blob\":\"" + "x".repeat(5000) + "\"}}";
        try (WebhookServer webhook = new WebhookServer(request -> WebhookServer.Reply.ok(big))) {
            assertThatThrownBy(() -> call(client(5000, 4, 1024), webhook.url()))
                    .isInstanceOf(CustomAllocationException.class)
                    .hasMessageContaining("longer than 1024 bytes");
        }
    }

    @Test
    void call_whenNothingListens_thenFailsNamingTheConnection() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        String url = "http://127.0.0.1:" + port + "/api/allocate";

        assertThatThrownBy(() -> call(client(5000, 4, 65536), url))
                .isInstanceOf(CustomAllocationException.class)
                .hasMessageContaining("127.0.0.1:" + port);
    }

    @Test
    void call_whenUrlUnusable_thenFailsWithoutCalling() {
        assertThatThrownBy(() -> call(client(5000, 4, 65536), "ftp://example/x"))
                .isInstanceOf(CustomAllocationException.class)
                .hasMessageContaining("webhook URL is not usable");
    }

    @Test
    void reserve_whenAllSlotsTaken_thenEmptyUntilOneIsReleasedOrItsCallEnds() throws Exception {
        WebhookClient client = client(5000, 2, 65536);
        try (WebhookServer webhook = new WebhookServer(request -> new WebhookServer.Reply(200,
                "{\"iotHubHostName\":\"" + HUB_A + "\"}", 300))) {
            WebhookClient.Slot first = client.reserve().orElseThrow();
            WebhookClient.Slot second = client.reserve().orElseThrow();

            assertThat(client.reserve()).isEmpty();

            first.release();
            first.release();
            Optional<WebhookClient.Slot> third = client.reserve();
            assertThat(third).isPresent();
            assertThat(client.reserve()).isEmpty();

            CompletableFuture<AllocationResponse> call = second.call(webhook.url(), REQUEST);
            assertThat(client.reserve()).isEmpty();
            call.get(10, TimeUnit.SECONDS);
            assertThat(client.reserve()).isPresent();
        }
    }
}
