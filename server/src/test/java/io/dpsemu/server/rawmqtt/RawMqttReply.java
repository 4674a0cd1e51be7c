package io.dpsemu.server.rawmqtt;

import com.fasterxml.jackson.databind.JsonNode;
import io.dpsemu.protocol.json.DpsJson;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttSubAckMessage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One packet the server sent, decoded by Netty's client-side {@link MqttDecoder} (so malformed
 * server output fails the test) and copied into plain values (so tests hold no buffers).
 *
 * @param returnCode CONNACK return code, else -1
 * @param packetId   packet id of PUBACK, SUBACK, UNSUBACK and QoS &gt; 0 PUBLISH, else -1
 * @param grantedQos SUBACK return codes, else empty
 * @param topic      PUBLISH topic, else null
 * @param payload    PUBLISH payload, else empty
 */
public record RawMqttReply(
        MqttMessageType type,
        MqttQoS qos,
        int returnCode,
        boolean sessionPresent,
        int packetId,
        List<Integer> grantedQos,
        String topic,
        byte[] payload) {

    private static final Pattern RESPONSE_TOPIC =
            Pattern.compile("^\\$dps/registrations/res/(\\d{3})/\\?\\$rid=([^&]*)(.*)$");

    /** The status of a DPS response topic {@code $dps/registrations/res/{status}/?$rid=...}. */
    public int status() {
        return Integer.parseInt(responseTopic().group(1));
    }

    /** The {@code $rid} of a DPS response topic, which must come first. */
    public String rid() {
        return responseTopic().group(2);
    }

    public JsonNode json() {
        try {
            return DpsJson.mapper().readTree(payload);
        } catch (IOException e) {
            throw new UncheckedIOException("response body is not JSON: " + body(), e);
        }
    }

    public String body() {
        return new String(payload, StandardCharsets.UTF_8);
    }

    public boolean isResponse() {
        return type == MqttMessageType.PUBLISH && RESPONSE_TOPIC.matcher(topic).matches();
    }

    private Matcher responseTopic() {
        if (type != MqttMessageType.PUBLISH) {
            throw new AssertionError("expected a response PUBLISH, got " + this);
        }
        Matcher m = RESPONSE_TOPIC.matcher(topic);
        if (!m.matches()) {
            throw new AssertionError("not a DPS response topic: " + topic);
        }
        return m;
    }

    @Override
    public String toString() {
        return switch (type) {
            case CONNACK -> "CONNACK rc=" + returnCode + " sp=" + sessionPresent;
            case SUBACK -> "SUBACK id=" + packetId + " " + grantedQos;
            case PUBLISH -> "PUBLISH qos=" + qos.value() + " id=" + packetId + " " + topic + " " + body();
            default -> type + (packetId >= 0 ? " id=" + packetId : "");
        };
    }

    static RawMqttReply of(MqttMessage message) {
        if (message.decoderResult().isFailure()) {
            throw new AssertionError("the server sent a malformed packet", message.decoderResult().cause());
        }
        MqttMessageType type = message.fixedHeader().messageType();
        MqttQoS qos = message.fixedHeader().qosLevel();
        return switch (type) {
            case CONNACK -> {
                var header = ((MqttConnAckMessage) message).variableHeader();
                yield new RawMqttReply(type, qos, header.connectReturnCode().byteValue() & 0xff,
                        header.isSessionPresent(), -1, List.of(), null, new byte[0]);
            }
            case SUBACK -> {
                MqttSubAckMessage subAck = (MqttSubAckMessage) message;
                yield new RawMqttReply(type, qos, -1, false, subAck.variableHeader().messageId(), List.copyOf(
                        subAck.payload().grantedQoSLevels()), null, new byte[0]);
            }
            case PUBLISH -> {
                MqttPublishMessage publish = (MqttPublishMessage) message;
                try {
                    yield new RawMqttReply(type, qos, -1, false, publish.variableHeader().packetId(), List.of(),
                            publish.variableHeader().topicName(), ByteBufUtil.getBytes(publish.payload()));
                } finally {
                    publish.release();
                }
            }
            default -> new RawMqttReply(type, qos, -1, false,
                    message.variableHeader() instanceof MqttMessageIdVariableHeader id ? id.messageId() : -1,
                    List.of(), null, new byte[0]);
        };
    }

    /** Turns the server's byte stream, in chunks of any size, into replies. */
    public static final class Decoder implements AutoCloseable {

        private final EmbeddedChannel channel = new EmbeddedChannel(new MqttDecoder(1024 * 1024));

        public List<RawMqttReply> feed(byte[] bytes, int length) {
            return feed(Unpooled.copiedBuffer(bytes, 0, length));
        }

        /** Takes ownership of {@code buffer}. */
        public List<RawMqttReply> feed(ByteBuf buffer) {
            channel.writeInbound(buffer);
            List<RawMqttReply> replies = new ArrayList<>();
            for (Object msg; (msg = channel.readInbound()) != null; ) {
                replies.add(of((MqttMessage) msg));
            }
            return replies;
        }

        @Override
        public void close() {
            channel.finishAndReleaseAll();
        }
    }
}
