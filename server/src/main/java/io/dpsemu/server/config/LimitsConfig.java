package io.dpsemu.server.config;

/**
 * Every bound the server enforces. When one is hit the device gets a clear answer (a refusing
 * CONNACK, a close, or {@code 429} with retry-after), never an unbounded queue. The defaults are
 * the {@link Builder}'s initial values.
 *
 * @param maxConnections            open device connections on one node (lowered at start when the
 *                                  process's file descriptor limit leaves fewer)
 * @param connectTimeoutSeconds     from TCP accept to CONNACK (TLS handshake included), and to the
 *                                  first HTTP request; also caps the idle timeout of an MQTT
 *                                  connection until it has authenticated
 * @param maxConnectPacketBytes     largest packet accepted before CONNACK
 * @param maxPacketBytes            largest packet after CONNACK (DPS allows 96 KB bodies)
 * @param maxKeepAliveSeconds       cap of the idle timeout (1.5 x the client's keep-alive; also
 *                                  used when the client asks for none)
 * @param eventLoopThreads          Netty event-loop threads serving every connection (TLS, MQTT,
 *                                  HTTP); one per core by default, half Netty's own default: fewer
 *                                  threads than that only add wake-ups and context switches
 * @param storeThreads              worker threads for store work
 * @param storeQueue                store tasks that may wait for a worker
 * @param maxOperations             operations remembered for polling; finished ones make room for new
 *                                  ones, so only this many still assigning refuse registrations
 *                                  (default: sized from the heap, about 1 KiB each in an eighth of it)
 * @param maxInflightPerCredential  operations still assigning for one enrollment (a group key can mint
 *                                  registration ids; an individual enrollment has one operation at most)
 * @param maxInflightPerConnection  requests of one connection being worked on at once
 * @param maxHttpHeaderBytes        request line and headers of one HTTP request
 * @param maxHttpBodyBytes          body of one HTTP request (DPS accepts 96 KB)
 * @param httpRequestTimeoutSeconds from the first byte of an HTTP request to its last
 * @param httpIdleTimeoutSeconds    how long an idle keep-alive HTTP connection stays open
 * @param storeCallTimeoutMillis    a store call not answered within this gets the device 503 with
 *                                  retry-after, and marks the store down while it hangs
 * @param groupCommitMaxRecords     registration records written in one transaction at most
 * @param groupCommitMaxWaitMicros  how long a transaction waits for more records once it has one; 0
 *                                  takes only what arrived while the previous one committed
 * @param maxConnectionsPerAddress  open connections from one source address (an IPv6 /64)
 * @param connectionsPerAddressPerSecond new connections one source address may open per second,
 *                                  sustained
 * @param connectionBurstPerAddress new connections one source address may open at once, above the
 *                                  sustained rate (a plant's devices behind one NAT restarting together)
 * @param reservedFileDescriptors   file descriptors kept from connections (store, webhooks, logs),
 *                                  so the server can always accept and close an excess connection
 */
public record LimitsConfig(
        int maxConnections,
        int connectTimeoutSeconds,
        int maxConnectPacketBytes,
        int maxPacketBytes,
        int maxKeepAliveSeconds,
        int eventLoopThreads,
        int storeThreads,
        int storeQueue,
        int maxOperations,
        int maxInflightPerCredential,
        int maxInflightPerConnection,
        int maxHttpHeaderBytes,
        int maxHttpBodyBytes,
        int httpRequestTimeoutSeconds,
        int httpIdleTimeoutSeconds,
        int storeCallTimeoutMillis,
        int groupCommitMaxRecords,
        int groupCommitMaxWaitMicros,
        int maxConnectionsPerAddress,
        int connectionsPerAddressPerSecond,
        int connectionBurstPerAddress,
        int reservedFileDescriptors) {

    public static LimitsConfig defaults() {
        return builder().build();
    }

    /**
     * The default operation table size: an eighth of the heap at about 1 KiB per operation (an
     * operation with its result, measured), between 10,000 and 2,000,000.
     */
    static int operationsForHeap(long maxHeapBytes) {
        return (int) Math.max(10_000, Math.min(2_000_000, maxHeapBytes / 8 / 1024));
    }

    /** A builder holding the defaults; set what differs. */
    public static Builder builder() {
        return new Builder();
    }

    /** Named defaults, so a test or a caller changes one limit without repeating the others. */
    public static final class Builder {
        private int maxConnections = 100_000;
        private int connectTimeoutSeconds = 10;
        private int maxConnectPacketBytes = 8 * 1024;
        private int maxPacketBytes = 96 * 1024 + 1024;
        private int maxKeepAliveSeconds = 1800;
        private int eventLoopThreads = Runtime.getRuntime().availableProcessors();
        private int storeThreads = 4;
        private int storeQueue = 10_000;
        private int maxOperations = operationsForHeap(Runtime.getRuntime().maxMemory());
        private int maxInflightPerCredential = 5_000;
        private int maxInflightPerConnection = 16;
        private int maxHttpHeaderBytes = 8 * 1024;
        private int maxHttpBodyBytes = 96 * 1024;
        private int httpRequestTimeoutSeconds = 10;
        private int httpIdleTimeoutSeconds = 120;
        private int storeCallTimeoutMillis = 5_000;
        private int groupCommitMaxRecords = 512;
        private int groupCommitMaxWaitMicros;
        private int maxConnectionsPerAddress = 25_000;
        private int connectionsPerAddressPerSecond = 5_000;
        private int connectionBurstPerAddress = 25_000;
        private int reservedFileDescriptors = 256;

        private Builder() {
        }

        public Builder maxConnections(int value) {
            maxConnections = value;
            return this;
        }

        public Builder connectTimeoutSeconds(int value) {
            connectTimeoutSeconds = value;
            return this;
        }

        public Builder maxConnectPacketBytes(int value) {
            maxConnectPacketBytes = value;
            return this;
        }

        public Builder maxPacketBytes(int value) {
            maxPacketBytes = value;
            return this;
        }

        public Builder maxKeepAliveSeconds(int value) {
            maxKeepAliveSeconds = value;
            return this;
        }

        public Builder eventLoopThreads(int value) {
            eventLoopThreads = value;
            return this;
        }

        public Builder storeThreads(int value) {
            storeThreads = value;
            return this;
        }

        public Builder storeQueue(int value) {
            storeQueue = value;
            return this;
        }

        public Builder maxOperations(int value) {
            maxOperations = value;
            return this;
        }

        public Builder maxInflightPerCredential(int value) {
            maxInflightPerCredential = value;
            return this;
        }

        public Builder maxInflightPerConnection(int value) {
            maxInflightPerConnection = value;
            return this;
        }

        public Builder maxHttpHeaderBytes(int value) {
            maxHttpHeaderBytes = value;
            return this;
        }

        public Builder maxHttpBodyBytes(int value) {
            maxHttpBodyBytes = value;
            return this;
        }

        public Builder httpRequestTimeoutSeconds(int value) {
            httpRequestTimeoutSeconds = value;
            return this;
        }

        public Builder httpIdleTimeoutSeconds(int value) {
            httpIdleTimeoutSeconds = value;
            return this;
        }

        public Builder storeCallTimeoutMillis(int value) {
            storeCallTimeoutMillis = value;
            return this;
        }

        public Builder groupCommitMaxRecords(int value) {
            groupCommitMaxRecords = value;
            return this;
        }

        public Builder groupCommitMaxWaitMicros(int value) {
            groupCommitMaxWaitMicros = value;
            return this;
        }

        public Builder maxConnectionsPerAddress(int value) {
            maxConnectionsPerAddress = value;
            return this;
        }

        public Builder connectionsPerAddressPerSecond(int value) {
            connectionsPerAddressPerSecond = value;
            return this;
        }

        public Builder connectionBurstPerAddress(int value) {
            connectionBurstPerAddress = value;
            return this;
        }

        public Builder reservedFileDescriptors(int value) {
            reservedFileDescriptors = value;
            return this;
        }

        public LimitsConfig build() {
            return new LimitsConfig(maxConnections, connectTimeoutSeconds, maxConnectPacketBytes, maxPacketBytes,
                    maxKeepAliveSeconds, eventLoopThreads, storeThreads, storeQueue, maxOperations,
                    maxInflightPerCredential, maxInflightPerConnection, maxHttpHeaderBytes, maxHttpBodyBytes,
                    httpRequestTimeoutSeconds, httpIdleTimeoutSeconds, storeCallTimeoutMillis, groupCommitMaxRecords,
                    groupCommitMaxWaitMicros, maxConnectionsPerAddress, connectionsPerAddressPerSecond,
                    connectionBurstPerAddress, reservedFileDescriptors);
        }
    }
}
