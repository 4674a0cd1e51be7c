package io.dpsemu.server.allocation;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.dpsemu.protocol.json.DpsJson;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * A real custom-allocation webhook for tests: the JDK's HTTP server on loopback, answering each
 * POSTed allocation request with what the test's function decides, and keeping the requests.
 */
public final class WebhookServer implements AutoCloseable {

    /** What the webhook answers: a status, a body, and how long it waits first. */
    public record Reply(int status, String body, long delayMillis) {

        public static Reply ok(String body) {
            return new Reply(200, body, 0);
        }
    }

    private final HttpServer server;
    private final List<JsonNode> requests = new CopyOnWriteArrayList<>();
    private volatile Function<JsonNode, Reply> answer;

    public WebhookServer(Function<JsonNode, Reply> answer) throws IOException {
        this.answer = answer;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(Executors.newCachedThreadPool(task -> {
            Thread thread = new Thread(task, "test-webhook");
            thread.setDaemon(true);
            return thread;
        }));
        server.start();
    }

    /** The URL an enrollment's {@code customAllocationDefinition.webhookUrl} names, with a function key. */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/api/allocate?code=test-key";
    }

    public List<JsonNode> requests() {
        return requests;
    }

    public void answer(Function<JsonNode, Reply> newAnswer) {
        this.answer = newAnswer;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            JsonNode request = DpsJson.read(exchange.getRequestBody().readAllBytes(), JsonNode.class);
            requests.add(request);
            Reply reply = answer.apply(request);
            if (reply.delayMillis() > 0) {
                try {
                    Thread.sleep(reply.delayMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            byte[] body = reply.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(reply.status(), body.length == 0 ? -1 : body.length);
            if (body.length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        } catch (IOException e) {
            // the client gave up (a timeout test): nothing to answer
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
