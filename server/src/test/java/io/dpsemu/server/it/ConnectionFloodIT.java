package io.dpsemu.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.microsoft.azure.sdk.iot.provisioning.device.ProvisioningDeviceClientStatus;
import com.microsoft.azure.sdk.iot.provisioning.device.ProvisioningDeviceClientTransportProtocol;
import io.dpsemu.protocol.enrollment.IndividualEnrollment;
import io.dpsemu.server.DpsServer;
import io.dpsemu.server.rawmqtt.RawMqttClient;
import io.dpsemu.server.rawmqtt.RawMqttDevice;
import io.micrometer.core.instrument.Counter;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * One host floods both ports with connections that never authenticate (idle TLS on 443, CONNECTs
 * with keep-alive 0 and a wrong key on 8883) while devices from another address provision. The
 * limits are small so that the flood fills them in seconds; the flood comes from 127.0.0.2, which
 * Linux routes to the loopback server like 127.0.0.1.
 */
@Timeout(300)
class ConnectionFloodIT {

    private static final int MAX_CONNECTIONS = 40;
    private static final int MAX_CONNECTIONS_PER_ADDRESS = 10;
    private static final int CONNECT_TIMEOUT_SECONDS = 2;
    /** Far below the HTTP idle timeout and the keep-alive cap, far above the connect timeout. */
    private static final Duration CLOSE_BOUND = Duration.ofSeconds(60);
    private static final long REFUSAL_LOG_INTERVAL_SECONDS = 10;

    @TempDir
    static Path dataDir;

    private static DpsServer server;
    private static InetAddress floodSource;

    @BeforeAll
    static void startServer() throws IOException {
        floodSource = InetAddress.getByName("127.0.0.2");
        server = TestServers.start(dataDir, "memory", Map.of(
                "limits.maxConnections", MAX_CONNECTIONS,
                "limits.maxConnectionsPerAddress", MAX_CONNECTIONS_PER_ADDRESS,
                "limits.connectionsPerAddressPerSecond", 20,
                "limits.connectionBurstPerAddress", 20,
                "limits.connectTimeoutSeconds", CONNECT_TIMEOUT_SECONDS,
                "limits.httpIdleTimeoutSeconds", 600,
                "provisioning.retryAfterSeconds", 1), Clock.systemUTC());
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @Test
    void floodOfUnauthenticatedConnectionsFromOneAddress_thenDevicesFromAnotherStillProvision() throws Exception {
        ListAppender<ILoggingEvent> events = new ListAppender<>();
        events.start();
        ((Logger) LoggerFactory.getLogger("dps.events")).addAppender(events);
        long started = System.nanoTime();
        List<String> assigned = new ArrayList<>();
        try (Flood flood = new Flood()) {
            await().atMost(CLOSE_BOUND).until(() -> flood.attempts() >= 3 * MAX_CONNECTIONS);

            for (var transport : List.of(ProvisioningDeviceClientTransportProtocol.MQTT,
                    ProvisioningDeviceClientTransportProtocol.HTTPS)) {
                RawMqttDevice device = enroll("flood-victim-" + transport.name().toLowerCase());
                var result = new AzureSdkDevice(server.idScope(), server.caCertificate(), transport)
                        .register(device.registrationId(), device.key());
                if (result.getProvisioningDeviceClientStatus()
                        == ProvisioningDeviceClientStatus.PROVISIONING_DEVICE_STATUS_ASSIGNED) {
                    assigned.add(transport.name());
                }
            }
            // the summary of the refusals comes at the end of its interval
            await().atMost(CLOSE_BOUND).until(() -> !refusalLines(events).isEmpty());
        } finally {
            ((Logger) LoggerFactory.getLogger("dps.events")).detachAppender(events);
        }
        long elapsedSeconds = Duration.ofNanos(System.nanoTime() - started).toSeconds();

        assertThat(assigned).containsExactly("MQTT", "HTTPS");
        assertThat(closed("address_limit") + closed("address_rate")).as("flood connections refused").isPositive();
        assertThat(refusalLines(events)).as("refusals are summarized once per interval, not logged one by one")
                .hasSizeLessThanOrEqualTo((int) (elapsedSeconds / REFUSAL_LOG_INTERVAL_SECONDS) + 1);
    }

    private static List<String> refusalLines(ListAppender<ILoggingEvent> events) {
        synchronized (events) {
            return events.list.stream().map(ILoggingEvent::getFormattedMessage)
                    .filter(line -> line.startsWith("DPS-1003")).toList();
        }
    }

    @Test
    void idleTls_onTheHttpsPort_isClosedAfterTheConnectTimeout() throws Exception {
        try (RawMqttClient idle = RawMqttClient.connect(server.httpsPort(), server.caCertificate())) {
            assertThat(closedWithin(idle, CLOSE_BOUND)).isTrue();
        }
    }

    @Test
    void connectWithKeepAlive0_thatNeverAuthenticates_isClosedAfterTheConnectTimeout() throws Exception {
        RawMqttDevice stranger = new RawMqttDevice(server.idScope(), "flood-keep-alive-0", RawMqttDevice.newKey());
        try (RawMqttClient client = RawMqttClient.connect(server.mqttPort(), server.caCertificate())) {
            client.send(stranger.connect().keepAlive(0).bytes());

            assertThat(closedWithin(client, CLOSE_BOUND)).isTrue();
        }
    }

    private static boolean closedWithin(RawMqttClient client, Duration bound) throws IOException {
        long deadline = System.nanoTime() + bound.toNanos();
        while (System.nanoTime() < deadline) {
            if (client.awaitClosedByServer()) {
                return true;
            }
        }
        return false;
    }

    private static double closed(String reason) {
        Counter counter = server.meterRegistry().find("dps.connections.closed").tag("reason", reason).counter();
        return counter == null ? 0 : counter.count();
    }

    private static RawMqttDevice enroll(String registrationId) {
        String key = RawMqttDevice.newKey();
        server.store().putEnrollment(IndividualEnrollment.symmetricKey(registrationId, key, RawMqttDevice.newKey()),
                null);
        return new RawMqttDevice(server.idScope(), registrationId, key);
    }

    /**
     * Two threads from the flood address, each opening connections as fast as it may and keeping
     * every one it gets: idle TLS on the HTTPS port, and CONNECTs with keep-alive 0 and a wrong key
     * for ids nobody holds on the MQTT port.
     */
    private static final class Flood implements AutoCloseable {

        private static final long PAUSE_MILLIS = 5;

        private final AtomicBoolean stop = new AtomicBoolean();
        private final AtomicInteger attempts = new AtomicInteger();
        private final List<RawMqttClient> held = new ArrayList<>();
        private final List<Thread> threads = List.of(
                new Thread(() -> run(false), "flood-https"), new Thread(() -> run(true), "flood-mqtt"));

        Flood() {
            threads.forEach(Thread::start);
        }

        int attempts() {
            return attempts.get();
        }

        private void run(boolean mqtt) {
            while (!stop.get()) {
                int n = attempts.incrementAndGet();
                try {
                    RawMqttClient client = RawMqttClient.connectFrom(floodSource,
                            mqtt ? server.mqttPort() : server.httpsPort(), server.caCertificate());
                    keep(client);
                    if (mqtt) {
                        client.send(new RawMqttDevice(server.idScope(), "flood-" + n, RawMqttDevice.newKey())
                                .connect().keepAlive(0).bytes());
                    }
                } catch (IOException refused) {
                    // closed before or during the handshake: try again
                }
                try {
                    Thread.sleep(PAUSE_MILLIS);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        private synchronized void keep(RawMqttClient client) {
            held.add(client);
        }

        @Override
        public void close() throws IOException {
            stop.set(true);
            for (Thread thread : threads) {
                try {
                    thread.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            synchronized (this) {
                for (RawMqttClient client : held) {
                    client.close();
                }
            }
        }
    }
}
