package io.dpsemu.server.it;

import static io.dpsemu.server.rawmqtt.RawMqttPackets.pingreq;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.azure.sdk.iot.provisioning.device.ProvisioningDeviceClientStatus;
import io.dpsemu.protocol.enrollment.IndividualEnrollment;
import io.dpsemu.server.DpsServer;
import io.dpsemu.server.rawmqtt.RawMqttClient;
import io.dpsemu.server.rawmqtt.RawMqttDevice;
import io.netty.handler.codec.mqtt.MqttMessageType;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A connection that names a registration id held by a live session takes it over only after it
 * proved the same identity: an impostor who knows the id but not the key cannot disconnect the
 * device, and the device itself can always reconnect.
 */
@Timeout(300)
class SessionTakeoverIT {

    private static final int REGISTRATIONS = 10;
    private static final long IMPOSTOR_PAUSE_MILLIS = 200;

    @TempDir
    static Path dataDir;

    private static DpsServer server;

    @BeforeAll
    static void startServer() {
        server = TestServers.start(dataDir, "memory", Map.of("provisioning.retryAfterSeconds", 1),
                Clock.systemUTC());
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @Test
    void sdkDevice_whileAnImpostorWithAWrongKeyReconnectsAsItEvery200Ms_thenProvisionsEveryTime() throws Exception {
        RawMqttDevice device = enroll("takeover-victim");
        RawMqttDevice impostor = new RawMqttDevice(device.idScope(), device.registrationId(), RawMqttDevice.newKey());
        AzureSdkDevice sdk = new AzureSdkDevice(server.idScope(), server.caCertificate());
        Map<Integer, LongAdder> impostorConnAcks = new ConcurrentHashMap<>();
        AtomicBoolean stop = new AtomicBoolean();
        Thread attack = new Thread(() -> impersonate(impostor, stop, impostorConnAcks), "impostor");
        attack.start();
        int assigned = 0;
        try {
            for (int i = 0; i < REGISTRATIONS; i++) {
                if (sdk.register(device.registrationId(), device.key()).getProvisioningDeviceClientStatus()
                        == ProvisioningDeviceClientStatus.PROVISIONING_DEVICE_STATUS_ASSIGNED) {
                    assigned++;
                }
            }
        } finally {
            stop.set(true);
            attack.join();
        }

        assertThat(assigned).as("registrations assigned").isEqualTo(REGISTRATIONS);
        assertThat(impostorConnAcks).as("CONNACK return codes the impostor got (5: not authorized)")
                .containsKey(5);
    }

    @Test
    void connection_withTheSameValidCredentials_takesOverTheLiveSession() throws Exception {
        RawMqttDevice device = enroll("takeover-legitimate");
        try (RawMqttClient first = RawMqttClient.session(server.mqttPort(), server.caCertificate(), device);
                RawMqttClient second = RawMqttClient.session(server.mqttPort(), server.caCertificate(), device)) {
            assertThat(first.awaitClosedByServer()).as("the first session was closed").isTrue();
            second.send(pingreq());
            assertThat(second.next().type()).isEqualTo(MqttMessageType.PINGRESP);
        }
    }

    @Test
    void connection_withAWrongKey_isRefusedWithConnack5AndTheLiveSessionStays() throws Exception {
        RawMqttDevice device = enroll("takeover-refused");
        RawMqttDevice impostor = new RawMqttDevice(device.idScope(), device.registrationId(), RawMqttDevice.newKey());
        try (RawMqttClient holder = RawMqttClient.session(server.mqttPort(), server.caCertificate(), device);
                RawMqttClient intruder = RawMqttClient.connect(server.mqttPort(), server.caCertificate())) {
            intruder.send(impostor.connect().bytes());

            assertThat(intruder.next(MqttMessageType.CONNACK).returnCode()).isEqualTo(5);
            assertThat(intruder.awaitClosedByServer()).isTrue();
            holder.send(pingreq());
            assertThat(holder.next().type()).as("the live session still answers").isEqualTo(MqttMessageType.PINGRESP);
        }
    }

    /** Connects as the device with a wrong key, again and again, keeping each connection until the next. */
    private static void impersonate(RawMqttDevice impostor, AtomicBoolean stop, Map<Integer, LongAdder> connAcks) {
        RawMqttClient previous = null;
        while (!stop.get()) {
            try {
                RawMqttClient client = RawMqttClient.connect(server.mqttPort(), server.caCertificate());
                client.send(impostor.connect().bytes());
                connAcks.computeIfAbsent(client.next(MqttMessageType.CONNACK).returnCode(), rc -> new LongAdder())
                        .increment();
                closeQuietly(previous);
                previous = client;
                Thread.sleep(IMPOSTOR_PAUSE_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception | AssertionError e) {
                // refused or closed: the impostor simply tries again
            }
        }
        closeQuietly(previous);
    }

    private static void closeQuietly(RawMqttClient client) {
        if (client != null) {
            try {
                client.close();
            } catch (Exception e) {
                // already closed by the server
            }
        }
    }

    private static RawMqttDevice enroll(String registrationId) {
        String key = RawMqttDevice.newKey();
        server.store().putEnrollment(IndividualEnrollment.symmetricKey(registrationId, key, RawMqttDevice.newKey()),
                null);
        return new RawMqttDevice(server.idScope(), registrationId, key);
    }
}
