package io.dpsemu.loadgen.mqtt;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttSubscribeMessage;
import io.netty.handler.codec.mqtt.MqttVersion;
import java.nio.charset.StandardCharsets;

/** The MQTT 3.1.1 packets a DPS client sends (docs/protocol-notes.md#mqtt-connect, #mqtt-topics). */
public final class MqttPackets {

    /** Python's default; any value the server accepts would do for a flow that lasts milliseconds. */
    public static final int KEEP_ALIVE_SECONDS = 60;

    private MqttPackets() {
    }

    /**
     * A clean-session CONNECT.
     *
     * @param password the SAS token, or null for an X.509 device (which sends none)
     */
    public static MqttConnectMessage connect(String clientId, String username, String password) {
        MqttMessageBuilders.ConnectBuilder connect = MqttMessageBuilders.connect()
                .protocolVersion(MqttVersion.MQTT_3_1_1)
                .clientId(clientId)
                .cleanSession(true)
                .keepAlive(KEEP_ALIVE_SECONDS)
                .username(username);
        if (password != null) {
            connect.password(password.getBytes(StandardCharsets.UTF_8));
        }
        return connect.build();
    }

    public static MqttSubscribeMessage subscribe(int packetId, MqttQoS qos, String... filters) {
        MqttMessageBuilders.SubscribeBuilder subscribe = MqttMessageBuilders.subscribe().messageId(packetId);
        for (String filter : filters) {
            subscribe.addSubscription(qos, filter);
        }
        return subscribe.build();
    }

    /** A QoS 1 PUBLISH, as the Node, Python and C# SDKs send requests. */
    public static MqttPublishMessage publish(String topic, int packetId, ByteBuf payload) {
        return MqttMessageBuilders.publish().topicName(topic).qos(MqttQoS.AT_LEAST_ONCE).messageId(packetId)
                .retained(false).payload(payload).build();
    }

    public static MqttMessage pubAck(int packetId) {
        return MqttMessageBuilders.pubAck().packetId(packetId).build();
    }
}
