package io.dpsemu.loadgen.responder;

import io.dpsemu.loadgen.mqtt.MqttPackets;
import io.dpsemu.protocol.topic.DpsTopics;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import java.io.PrintWriter;
import java.util.UUID;

/**
 * The responder's one MQTT session: subscribes to every device's requests at QoS 0 (a broker's
 * QoS 1 in-flight window toward one subscriber would throttle the whole run) and publishes each
 * answer at QoS 1, as DPS delivers them to devices.
 */
public final class ResponderHandler extends ChannelInboundHandlerAdapter {

    private static final int MAX_PACKET_ID = 65_535;

    private final DpsAnswers answers;
    private final PrintWriter out;
    private int nextPacketId = 1;

    public ResponderHandler(DpsAnswers answers, PrintWriter out) {
        this.answers = answers;
        this.out = out;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event instanceof SslHandshakeCompletionEvent handshake) {
            if (handshake.isSuccess()) {
                ctx.writeAndFlush(MqttPackets.connect("dpsemu-loadgen-responder-" + UUID.randomUUID(), "responder",
                        null));
            } else {
                report("TLS handshake failed: " + handshake.cause().getMessage());
                ctx.close();
            }
        } else if (event instanceof IdleStateEvent) {
            ctx.writeAndFlush(MqttMessage.PINGREQ);
        } else {
            super.userEventTriggered(ctx, event);
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (!(msg instanceof MqttMessage message) || message.decoderResult().isFailure()) {
                report("undecodable packet from the broker; closing");
                ctx.close();
                return;
            }
            switch (message.fixedHeader().messageType()) {
                case CONNACK -> connAck(ctx, (MqttConnAckMessage) message);
                case SUBACK -> report("ready: answering " + DpsTopics.REGISTER_PREFIX + "+ and "
                        + DpsTopics.STATUS_PREFIX + "+");
                case PUBLISH -> request(ctx, (MqttPublishMessage) message);
                default -> {
                    // PUBACKs of our answers and PINGRESPs carry nothing to act on
                }
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        report("closing after an error: " + cause.getMessage());
        ctx.close();
    }

    private void connAck(ChannelHandlerContext ctx, MqttConnAckMessage connAck) {
        MqttConnectReturnCode code = connAck.variableHeader().connectReturnCode();
        if (code != MqttConnectReturnCode.CONNECTION_ACCEPTED) {
            report("the broker refused the connection: " + code);
            ctx.close();
            return;
        }
        ctx.writeAndFlush(MqttPackets.subscribe(packetId(), MqttQoS.AT_MOST_ONCE,
                DpsTopics.REGISTER_PREFIX + "+", DpsTopics.STATUS_PREFIX + "+"));
    }

    private void request(ChannelHandlerContext ctx, MqttPublishMessage publish) {
        answers.answer(publish.variableHeader().topicName(), ByteBufUtil.getBytes(publish.content()))
                .ifPresent(answer -> ctx.writeAndFlush(MqttPackets.publish(answer.topic(), packetId(),
                        Unpooled.wrappedBuffer(answer.body()))));
    }

    private int packetId() {
        int id = nextPacketId;
        nextPacketId = id == MAX_PACKET_ID ? 1 : id + 1;
        return id;
    }

    private void report(String line) {
        out.println("responder: " + line);
        out.flush();
    }
}
