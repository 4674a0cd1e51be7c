package io.dpsemu.server.config;

/**
 * The operations endpoint: {@code GET /metrics} (Prometheus text) and {@code GET /health}, plain HTTP.
 *
 * @param bind loopback by default: metrics are for the operator, not for devices
 * @param port -1 (the default) keeps it off; 0 takes any free port
 */
public record OperationsConfig(String bind, int port) {

    public static final int OFF = -1;

    static OperationsConfig defaults() {
        return new OperationsConfig("127.0.0.1", OFF);
    }

    public boolean enabled() {
        return port != OFF;
    }
}
