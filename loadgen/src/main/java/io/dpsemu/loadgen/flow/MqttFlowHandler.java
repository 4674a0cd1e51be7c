package io.dpsemu.loadgen.flow;

import io.dpsemu.loadgen.device.Device;
import io.dpsemu.loadgen.mqtt.MqttPackets;
import io.dpsemu.loadgen.mqtt.ResponseTopic;
import io.dpsemu.protocol.PercentEncoding;
import io.dpsemu.protocol.topic.DpsTopics;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler.ClientHandshakeStateEvent;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttSubAckMessage;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import java.time.Instant;

/**
 * The MQTT exchange of the SDKs (docs/protocol-notes.md#mqtt-connect, #mqtt-topics), over TLS or
 * over a WebSocket: CONNECT with the registration id as client id, SUBSCRIBE to the responses, a
 * QoS 1 register PUBLISH, then status PUBLISHes until a final answer. {@code $rid} is the packet
 * id, as C# does it.
 */
public final class MqttFlowHandler extends FlowHandler {

    private final boolean webSocket;
    private final String responsePrefix;
    private int nextPacketId = 1;
    private String expectedRid;

    public MqttFlowHandler(Device device, FlowSettings settings, boolean measured, FlowListener listener,
            boolean webSocket) {
        super(device, settings, measured, listener);
        this.webSocket = webSocket;
        this.responsePrefix = settings.layout().responsePrefix(device.registrationId());
    }

    @Override
    protected void secured(ChannelHandlerContext ctx) {
        if (webSocket) {
            enter(Stage.WEBSOCKET);
        } else {
            sendConnect(ctx);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event == ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
            measure(Latency.WEBSOCKET);
            listener().upgraded();
            sendConnect(ctx);
        } else if (event instanceof IdleStateEvent) {
            ctx.writeAndFlush(MqttMessage.PINGREQ);
        } else {
            super.userEventTriggered(ctx, event);
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            // a finished flow (or a held session) has nothing left to act on
            if (isFinished() || !(msg instanceof MqttMessage message)) {
                return;
            }
            if (message.decoderResult().isFailure()) {
                fail(ctx, "protocol", "undecodable MQTT packet: "
                        + ErrorKinds.describe(message.decoderResult().cause()));
                return;
            }
            switch (message.fixedHeader().messageType()) {
                case CONNACK -> connAck(ctx, (MqttConnAckMessage) message);
                case SUBACK -> subAck(ctx, (MqttSubAckMessage) message);
                case PUBLISH -> response(ctx, (MqttPublishMessage) message);
                case PUBACK, PINGRESP -> {
                    // PUBACKs of our requests precede their answers; pings only keep held sessions open
                }
                default -> fail(ctx, "protocol", "unexpected " + message.fixedHeader().messageType() + " packet");
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    protected void sendRegister(ChannelHandlerContext ctx) {
        publish(ctx, DpsTopics.REGISTER_PREFIX + "?$rid=", "", registerBody());
    }

    @Override
    protected void sendPoll(ChannelHandlerContext ctx, String operationId) {
        // the Java SDK's empty body; the C SDK would repeat the register body
        publish(ctx, DpsTopics.STATUS_PREFIX + "?$rid=", "&operationId=" + PercentEncoding.encode(operationId), null);
    }

    @Override
    protected void closeConnection(ChannelHandlerContext ctx) {
        ctx.writeAndFlush(MqttMessage.DISCONNECT).addListener(ChannelFutureListener.CLOSE);
    }

    private void sendConnect(ChannelHandlerContext ctx) {
        enter(Stage.CONNACK);
        String id = device.registrationId();
        String apiVersion = device.requestsCertificate() ? FlowSettings.CSR_API_VERSION : FlowSettings.MQTT_API_VERSION;
        String username = settings.idScope() + "/registrations/" + id + "/api-version=" + apiVersion
                + "&ClientVersion=" + FlowSettings.CLIENT_VERSION;
        ctx.writeAndFlush(MqttPackets.connect(id, username, device.sasToken(settings.idScope(), Instant.now())));
    }

    private void connAck(ChannelHandlerContext ctx, MqttConnAckMessage connAck) {
        MqttConnectReturnCode code = connAck.variableHeader().connectReturnCode();
        if (code != MqttConnectReturnCode.CONNECTION_ACCEPTED) {
            fail(ctx, "connack_refused_" + (code.byteValue() & 0xFF), "CONNACK " + code);
            return;
        }
        measure(Latency.MQTT_CONNECT);
        listener().sessionAccepted();
        enter(Stage.SUBACK);
        ctx.writeAndFlush(MqttPackets.subscribe(nextPacketId++, MqttQoS.AT_LEAST_ONCE, subscribeFilter()));
    }

    private void subAck(ChannelHandlerContext ctx, MqttSubAckMessage subAck) {
        if (subAck.payload().grantedQoSLevels().contains(MqttQoS.FAILURE.value())) {
            fail(ctx, "suback_refused", "the server refused the subscription to the responses");
            return;
        }
        listener().subscribed(subscribeFilter());
        if (settings.hold()) {
            hold();
        } else {
            register(ctx);
        }
    }

    private void response(ChannelHandlerContext ctx, MqttPublishMessage publish) {
        if (publish.fixedHeader().qosLevel() != MqttQoS.AT_MOST_ONCE) {
            ctx.writeAndFlush(MqttPackets.pubAck(publish.variableHeader().packetId()));
        }
        String topic = publish.variableHeader().topicName();
        ResponseTopic response = ResponseTopic.parse(topic, responsePrefix).orElse(null);
        if (response == null) {
            fail(ctx, "protocol", "a PUBLISH on '" + topic + "', which is not a response topic");
        } else if (response.rid().equals(expectedRid)) {
            onAnswer(ctx, response.status(), response.retryAfterSeconds(), ByteBufUtil.getBytes(publish.content()));
        }
        // an answer to an earlier request (a retried one) carries nothing new
    }

    /** Publishes to {@code topicStart + rid + topicEnd}, the rid being the packet id. */
    private void publish(ChannelHandlerContext ctx, String topicStart, String topicEnd, byte[] body) {
        int packetId = nextPacketId++;
        expectedRid = Integer.toString(packetId);
        String topic = topicStart + expectedRid + topicEnd;
        listener().sent("PUBLISH", topic, body);
        ctx.writeAndFlush(MqttPackets.publish(topic, packetId,
                body == null ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(body)));
    }

    private String subscribeFilter() {
        return settings.layout().subscribeFilter(device.registrationId());
    }
}
