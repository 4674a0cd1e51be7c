package io.dpsemu.server.rawhttp;

import static org.assertj.core.api.Assertions.assertThat;

import io.dpsemu.server.rawhttp.WebSocketFrames.Frame;
import io.dpsemu.server.rawmqtt.RawMqttPackets;
import io.dpsemu.server.rawmqtt.RawMqttReply;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttQoS;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * MQTT packets over an upgraded WebSocket connection: each packet sent as one masked binary frame;
 * server frames are unwrapped and their bytes decoded as a stream (a packet may span frames).
 */
public final class WebSocketMqtt implements AutoCloseable {

    private final RawHttpsClient client;
    private final RawMqttReply.Decoder decoder = new RawMqttReply.Decoder();
    private final Deque<RawMqttReply> received = new ArrayDeque<>();
    private Frame lastFrame;

    /** Over {@code client}, whose upgrade the caller has already made. */
    public WebSocketMqtt(RawHttpsClient client) {
        this.client = client;
    }

    /**
     * Upgrades {@code client} on {@code target} with subprotocol {@code mqtt}, as the Java SDK does;
     * fails unless the server switches protocols.
     */
    public static WebSocketMqtt upgrade(RawHttpsClient client, String target) throws IOException {
        RawHttpsClient.Response response = client.exchange(client.webSocketUpgrade(target, WebSocketFrames.newKey())
                .header("Sec-WebSocket-Protocol", "mqtt"));
        assertThat(response.status()).as("WebSocket upgrade: %s", response).isEqualTo(101);
        return new WebSocketMqtt(client);
    }

    public void send(byte[]... packets) throws IOException {
        for (byte[] packet : packets) {
            client.sendFrame(WebSocketFrames.binary(packet));
        }
    }

    public RawMqttReply next() throws IOException {
        while (received.isEmpty()) {
            Frame frame = client.readFrame();
            lastFrame = frame;
            if (frame.opcode() != WebSocketFrames.BINARY && frame.opcode() != WebSocketFrames.CONTINUATION) {
                throw new AssertionError("expected MQTT in a binary frame, got " + frame);
            }
            received.addAll(decoder.feed(frame.payload(), frame.payload().length));
        }
        return received.poll();
    }

    public RawMqttReply next(MqttMessageType type) throws IOException {
        RawMqttReply reply = next();
        if (reply.type() != type) {
            throw new AssertionError("expected " + type + ", got " + reply);
        }
        return reply;
    }

    /** The frame that carried the last packet read. */
    public Frame lastFrame() {
        return lastFrame;
    }

    /** Responses to a QoS 1 subscription come at QoS 1; the client acknowledges them. */
    public RawMqttReply acknowledged(RawMqttReply response) throws IOException {
        assertThat(response.qos()).isEqualTo(MqttQoS.AT_LEAST_ONCE);
        send(RawMqttPackets.puback(response.packetId()));
        return response;
    }

    /** Releases the decoder; the connection is the caller's to close. */
    @Override
    public void close() {
        decoder.close();
    }
}
