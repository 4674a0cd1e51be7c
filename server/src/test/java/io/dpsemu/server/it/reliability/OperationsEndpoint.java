package io.dpsemu.server.it.reliability;

import io.dpsemu.server.it.PrometheusText;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * A server's plain-HTTP operations endpoint, read as a monitoring system would: {@code GET /health}
 * and {@code GET /metrics} (Prometheus text).
 */
public final class OperationsEndpoint {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final int port;

    public OperationsEndpoint(int port) {
        this.port = port;
    }

    /** The status of {@code GET /health}: 200 while the store serves, 503 while it does not. */
    int health() {
        return get("/health").statusCode();
    }

    /**
     * The value of the sample {@code name} (no labels) in {@code /metrics}, e.g. {@code dps_store_up};
     * empty when the server does not report it.
     */
    OptionalDouble metric(String name) {
        return scrape().sample(name, Map.of()).map(sample -> OptionalDouble.of(sample.value()))
                .orElse(OptionalDouble.empty());
    }

    /** {@code GET /metrics}, parsed; fails unless it answers 200. */
    public PrometheusText scrape() {
        HttpResponse<String> response = get("/metrics");
        if (response.statusCode() != 200) {
            throw new AssertionError("GET /metrics answered " + response.statusCode() + ": " + response.body());
        }
        return PrometheusText.parse(response.body());
    }

    /** {@code dps_store_up}: 1 while the store serves, 0 while it does not. */
    double storeUp() {
        return metric("dps_store_up").orElseThrow(() -> new AssertionError("/metrics has no dps_store_up"));
    }

    /** {@code dps_operations}: operations the server holds for polling. */
    double operations() {
        return metric("dps_operations").orElseThrow(() -> new AssertionError("/metrics has no dps_operations"));
    }

    private HttpResponse<String> get(String path) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException("GET " + path + " on the operations port " + port, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
