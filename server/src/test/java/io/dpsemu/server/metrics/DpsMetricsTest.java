package io.dpsemu.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dpsemu.protocol.Transport;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class DpsMetricsTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final DpsMetrics metrics = new DpsMetrics(registry);

    @Test
    void clientDisconnect_isNotCountedAsAServerClose() {
        metrics.closed(CloseReason.CLIENT_DISCONNECT);
        metrics.closed(CloseReason.IDLE);

        assertThat(registry.find("dps.connections.closed").tag("reason", "client_disconnect").counter()).isNull();
        assertThat(registry.get("dps.connections.closed").tag("reason", "idle").counter().count()).isEqualTo(1);
    }

    @Test
    void connectRefused_countsUnderTheReturnCodeWithoutItsPrefix_andRejectsAnAcceptingCode() {
        metrics.connectRefused(MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED);

        assertThat(registry.get("dps.connect.refused").tag("reason", "not_authorized").counter().count())
                .isEqualTo(1);
        assertThatThrownBy(() -> metrics.connectRefused(MqttConnectReturnCode.CONNECTION_ACCEPTED))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("CONNECTION_ACCEPTED");
    }

    @Test
    void registrationDuration_isKeptPerTransportAndOutcome_andRefusedForOutcomesWithoutAnOperation() {
        metrics.registrationDuration(Transport.MQTT_WS, RegistrationOutcome.ASSIGNED, Duration.ofMillis(40));

        assertThat(registry.get("dps.registration.duration").tags("transport", "mqttws", "outcome", "assigned")
                .timer().count()).isEqualTo(1);
        assertThat(registry.get("dps.registration.duration").tags("transport", "mqtt", "outcome", "assigned")
                .timer().count()).isZero();
        assertThatThrownBy(() -> metrics.registrationDuration(Transport.MQTT, RegistrationOutcome.THROTTLED,
                Duration.ofMillis(1))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("throttled");
    }

    @Test
    void failedCommit_isTimedUnderFailed_andAddsNoRecordsToTheGroupSize() {
        metrics.storeCommit(5, false, Duration.ofMillis(30));
        metrics.storeCommit(3, true, Duration.ofMillis(2));

        assertThat(registry.get("dps.store.commit.duration").tag("result", "failed").timer().count()).isEqualTo(1);
        assertThat(registry.get("dps.store.commit.duration").tag("result", "ok").timer().count()).isEqualTo(1);
        assertThat(registry.get("dps.store.commit.records").summary().totalAmount()).isEqualTo(3);
    }
}
