package io.dpsemu.server.mqtt;

import io.dpsemu.protocol.DpsProtocolException;
import io.dpsemu.protocol.json.DpsJson;
import io.dpsemu.protocol.model.DeviceRegistration;
import io.dpsemu.protocol.model.DpsError;
import io.dpsemu.protocol.model.ErrorCodes;
import io.dpsemu.protocol.topic.DpsTopics;
import io.dpsemu.protocol.topic.RegisterTopic;
import io.dpsemu.protocol.topic.RequestTopic;
import io.dpsemu.protocol.topic.StatusTopic;
import io.dpsemu.server.device.DeviceResponse;
import io.dpsemu.server.metrics.CloseReason;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttPublishVariableHeader;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttSubAckMessage;
import io.netty.handler.codec.mqtt.MqttSubAckPayload;
import io.netty.handler.codec.mqtt.MqttSubscribeMessage;
import io.netty.handler.codec.mqtt.MqttTopicSubscription;
import io.netty.handler.codec.mqtt.MqttUnsubscribeMessage;
import io.netty.handler.timeout.IdleStateEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Everything after CONNECT on a device connection: the response subscription, register and poll
 * publishes, ping and disconnect. Requests go to the provisioning engine; its answers are published
 * on the response topic no sooner than the minimum response delay.
 */
public final class ProvisioningHandler extends SimpleChannelInboundHandler<MqttMessage> {

    private final MqttServices services;
    /** A PUBACK written in this read, not flushed yet: it leaves with an answer ready at once, or as the read ends. */
    private boolean pubAckUnflushed;

    public ProvisioningHandler(MqttServices services) {
        this.services = services;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, MqttMessage msg) {
        if (!ctx.channel().isOpen()) {
            // packets decoded in the same read as one that closed the connection are not acted on
            return;
        }
        if (msg.decoderResult().isFailure()) {
            close(ctx, CloseReason.MALFORMED, String.valueOf(msg.decoderResult().cause()));
            return;
        }
        DeviceSession session = ctx.channel().attr(DeviceSession.KEY).get();
        switch (msg.fixedHeader().messageType()) {
            case PUBLISH -> publish(ctx, session, (MqttPublishMessage) msg);
            case SUBSCRIBE -> subscribe(ctx, session, (MqttSubscribeMessage) msg);
            case UNSUBSCRIBE -> unsubscribe(ctx, session, (MqttUnsubscribeMessage) msg);
            case PINGREQ -> ctx.writeAndFlush(new MqttMessage(
                    new MqttFixedHeader(MqttMessageType.PINGRESP, false, MqttQoS.AT_MOST_ONCE, false, 0)));
            case DISCONNECT -> close(ctx, CloseReason.CLIENT_DISCONNECT, null);
            // C# acknowledges every PUBLISH it receives, whatever its QoS: tolerate any PUBACK
            case PUBACK -> { }
            case CONNECT -> close(ctx, CloseReason.SECOND_CONNECT, "a second CONNECT on one connection");
            default -> close(ctx, CloseReason.FORBIDDEN_PACKET, msg.fixedHeader().messageType() + " is not supported");
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (pubAckUnflushed) {
            pubAckUnflushed = false;
            ctx.flush();
        }
        ctx.fireChannelReadComplete();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof IdleStateEvent) {
            DeviceSession session = ctx.channel().attr(DeviceSession.KEY).get();
            if (!session.authenticated() && session.requestsInProgress()) {
                // the short pre-authentication timeout counts silence, not the wait for our own answer
                return;
            }
            close(ctx, CloseReason.IDLE, session.authenticated() ? "no packet within 1.5 x keep-alive"
                    : "not authenticated, and no packet within the connect timeout");
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    private void subscribe(ChannelHandlerContext ctx, DeviceSession session, MqttSubscribeMessage subscribe) {
        List<Integer> granted = new ArrayList<>();
        for (MqttTopicSubscription subscription : subscribe.payload().topicSubscriptions()) {
            if (DpsTopics.SUBSCRIBE_FILTER.equals(subscription.topicFilter())) {
                // QoS 2 is granted as QoS 1, as DPS documents; a new subscription replaces the old one
                int qos = Math.min(subscription.qualityOfService().value(), MqttQoS.AT_LEAST_ONCE.value());
                session.responseQos(qos);
                granted.add(qos);
            } else {
                granted.add(MqttQoS.FAILURE.value());
            }
        }
        MqttSubAckMessage subAck = new MqttSubAckMessage(
                new MqttFixedHeader(MqttMessageType.SUBACK, false, MqttQoS.AT_MOST_ONCE, false, 0),
                MqttMessageIdVariableHeader.from(subscribe.variableHeader().messageId()),
                new MqttSubAckPayload(granted));
        ctx.writeAndFlush(subAck);
    }

    private void unsubscribe(ChannelHandlerContext ctx, DeviceSession session, MqttUnsubscribeMessage unsubscribe) {
        if (unsubscribe.payload().topics().contains(DpsTopics.SUBSCRIBE_FILTER)) {
            session.responseQos(-1);
        }
        ctx.writeAndFlush(MqttMessageBuilders.unsubAck().packetId(unsubscribe.variableHeader().messageId()).build());
    }

    private void publish(ChannelHandlerContext ctx, DeviceSession session, MqttPublishMessage publish) {
        MqttQoS qos = publish.fixedHeader().qosLevel();
        if (qos == MqttQoS.EXACTLY_ONCE) {
            close(ctx, CloseReason.QOS_NOT_SUPPORTED, "PUBLISH with QoS 2");
            return;
        }
        String topicName = publish.variableHeader().topicName();
        Optional<RequestTopic> topic = DpsTopics.parse(topicName);
        if (topic.isEmpty()) {
            close(ctx, CloseReason.FORBIDDEN_TOPIC, "PUBLISH to '" + topicName + "'");
            return;
        }
        long receivedNanos = System.nanoTime();
        if (qos == MqttQoS.AT_LEAST_ONCE) {
            // C# needs the PUBACK before the response. An answer ready at once shares its flush: one
            // TLS record and one send instead of two.
            ctx.write(MqttMessageBuilders.pubAck().packetId(publish.variableHeader().packetId()).build());
            pubAckUnflushed = true;
        }
        RequestTopic request = topic.get();
        if (!session.tryStartRequest(services.limits().maxInflightPerConnection())) {
            respond(ctx, session, request.rid(), receivedNanos, DeviceResponse.error(DpsError.of(ErrorCodes.THROTTLED,
                    "more than " + services.limits().maxInflightPerConnection()
                            + " requests in progress on this connection"), services.provisioning().retryAfterSeconds()),
                    false);
            return;
        }
        CompletableFuture<DeviceResponse> answer;
        if (request instanceof RegisterTopic) {
            answer = register(session, ByteBufUtil.getBytes(publish.payload()));
        } else {
            answer = services.registrations().operationStatus(session.identity(), session.client(),
                    ((StatusTopic) request).operationId(), session.authenticated());
        }
        answer.whenComplete((response, error) -> {
            DeviceResponse result = error == null ? response : DeviceResponse.error(
                    DpsError.of(ErrorCodes.INTERNAL_ERROR, "internal error"),
                    services.provisioning().retryAfterSeconds());
            respond(ctx, session, request.rid(), receivedNanos, result, true);
        });
    }

    private CompletableFuture<DeviceResponse> register(DeviceSession session, byte[] body) {
        DeviceRegistration registration;
        try {
            registration = DpsJson.readDeviceRegistration(body);
        } catch (DpsProtocolException e) {
            return CompletableFuture.completedFuture(DeviceResponse.error(
                    DpsError.of(ErrorCodes.BAD_REQUEST, "bad register body: " + e.getMessage()), null));
        }
        return services.registrations().register(session.identity(), session.client(), registration);
    }

    /**
     * Publishes the answer on the event loop, never sooner than the minimum response delay after the
     * request arrived (the Java SDK loses answers that arrive before it waits for them).
     */
    private void respond(ChannelHandlerContext ctx, DeviceSession session, String rid, long receivedNanos,
            DeviceResponse response, boolean counted) {
        long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - receivedNanos);
        long waitMillis = Math.max(0, services.provisioning().minResponseDelayMillis() - elapsedMillis);
        Runnable publish = () -> send(ctx, session, rid, response, counted);
        if (waitMillis > 0) {
            ctx.executor().schedule(publish, waitMillis, TimeUnit.MILLISECONDS);
        } else if (ctx.executor().inEventLoop()) {
            publish.run();
        } else {
            ctx.executor().execute(publish);
        }
    }

    private void send(ChannelHandlerContext ctx, DeviceSession session, String rid, DeviceResponse response,
            boolean counted) {
        if (counted) {
            session.requestDone();
        }
        if (!ctx.channel().isActive()) {
            return;
        }
        if (response.dropConnection()) {
            ctx.flush();   // the PUBACK of this request still goes out first
            close(ctx, CloseReason.FAULT_INJECTED, "a fault rule drops the connection");
            return;
        }
        if (response.status() / 100 == 2 && !session.authenticated()) {
            session.markAuthenticated();
            IdleTimeout.apply(ctx.pipeline(), session, services.limits());
        }
        MqttQoS qos = session.responseQos() >= 1 ? MqttQoS.AT_LEAST_ONCE : MqttQoS.AT_MOST_ONCE;
        MqttPublishMessage message = new MqttPublishMessage(
                new MqttFixedHeader(MqttMessageType.PUBLISH, false, qos, false, 0),
                new MqttPublishVariableHeader(DpsTopics.response(response.status(), rid, response.retryAfterSeconds()),
                        qos == MqttQoS.AT_MOST_ONCE ? 0 : session.nextPacketId()),
                Unpooled.wrappedBuffer(DpsJson.write(response.body())));
        var write = ctx.writeAndFlush(message);
        pubAckUnflushed = false;
        if (response.authFailure()
                && session.recordAuthFailure() >= services.provisioning().maxAuthFailuresPerConnection()) {
            write.addListener((ChannelFutureListener) f -> close(ctx, CloseReason.AUTH_FAILED,
                    services.provisioning().maxAuthFailuresPerConnection() + " refused registrations"));
        }
    }

    private void close(ChannelHandlerContext ctx, CloseReason reason, String detail) {
        services.disconnector().close(ctx.channel(), reason, detail);
    }
}
