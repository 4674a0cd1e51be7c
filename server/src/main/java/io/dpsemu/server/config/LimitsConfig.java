package io.dpsemu.server.config;

/**
 * Every bound the server enforces. When one is hit the device gets a clear answer (a refusing
 * CONNACK, a close, or {@code 429} with retry-after), never an unbounded queue.
 *
 * @param maxConnections            open device connections on one node
 * @param connectTimeoutSeconds     from TCP accept to CONNACK (TLS handshake included)
 * @param maxConnectPacketBytes     largest packet accepted before CONNACK
 * @param maxPacketBytes            largest packet after CONNACK (DPS allows 96 KB bodies)
 * @param maxKeepAliveSeconds       cap of the idle timeout (1.5 x the client's keep-alive; also
 *                                  used when the client asks for none)
 * @param storeThreads              worker threads for store work
 * @param storeQueue                store tasks that may wait for a worker
 * @param maxOperations             operations remembered for polling
 * @param maxInflightPerConnection  requests of one connection being worked on at once
 * @param maxHttpHeaderBytes        request line and headers of one HTTP request
 * @param maxHttpBodyBytes          body of one HTTP request (DPS accepts 96 KB)
 * @param httpRequestTimeoutSeconds from the first byte of an HTTP request to its last
 * @param httpIdleTimeoutSeconds    how long an idle keep-alive HTTP connection stays open
 */
public record LimitsConfig(
        int maxConnections,
        int connectTimeoutSeconds,
        int maxConnectPacketBytes,
        int maxPacketBytes,
        int maxKeepAliveSeconds,
        int storeThreads,
        int storeQueue,
        int maxOperations,
        int maxInflightPerConnection,
        int maxHttpHeaderBytes,
        int maxHttpBodyBytes,
        int httpRequestTimeoutSeconds,
        int httpIdleTimeoutSeconds) {

    static LimitsConfig defaults() {
        return new LimitsConfig(100_000, 10, 8 * 1024, 96 * 1024 + 1024, 1800, 4, 10_000, 200_000, 16, 8 * 1024,
                96 * 1024, 10, 120);
    }
}
