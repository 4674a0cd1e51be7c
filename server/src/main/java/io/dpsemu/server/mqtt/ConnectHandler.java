package io.dpsemu.server.mqtt;

import io.dpsemu.protocol.DpsProtocolException;
import io.dpsemu.protocol.Transport;
import io.dpsemu.protocol.auth.MqttUsername;
import io.dpsemu.protocol.model.ErrorCodes;
import io.dpsemu.server.channel.Disconnector;
import io.dpsemu.server.channel.HandlerNames;
import io.dpsemu.server.channel.TlsPeer;
import io.dpsemu.server.device.DeviceClient;
import io.dpsemu.server.device.DeviceIdentity;
import io.dpsemu.server.metrics.CloseReason;
import io.dpsemu.server.metrics.EventLog;
import io.dpsemu.server.provisioning.AuthOutcome;
import io.dpsemu.server.x509.CertificateFacts;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttConnectVariableHeader;
import io.netty.handler.codec.mqtt.MqttIdentifierRejectedException;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttUnacceptableProtocolVersionException;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Handles the CONNECT of a device connection and removes itself once it is accepted. CONNECT checks
 * syntax and identity consistency (protocol level 4, the username, client id = registration id);
 * credentials are checked when the device registers (docs/architecture.md#decisions), except when a live
 * connection holds the registration id: then the newcomer takes over only once its credentials prove
 * the same identity, and is refused (CONNACK 5) when they do not, so that knowing a registration id
 * is not enough to disconnect its device.
 */
public final class ConnectHandler extends SimpleChannelInboundHandler<MqttMessage> {

    private static final int MQTT_3_1_1 = 4;

    private final MqttServices services;
    /** A refusing CONNACK was sent: packets decoded before the close completes are ignored [MQTT-3.2.2-5]. */
    private boolean refused;
    /** The newcomer's credentials are being verified; packets sent after CONNECT wait here [MQTT-3.1.4-5]. */
    private Deque<MqttMessage> waiting;

    public ConnectHandler(MqttServices services) {
        this.services = services;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, MqttMessage msg) {
        if (refused) {
            return;
        }
        if (waiting != null) {
            waiting.add(ReferenceCountUtil.retain(msg));
            return;
        }
        if (msg.decoderResult().isFailure()) {
            Throwable cause = msg.decoderResult().cause();
            if (cause instanceof MqttUnacceptableProtocolVersionException) {
                refuse(ctx, null, MqttConnectReturnCode.CONNECTION_REFUSED_UNACCEPTABLE_PROTOCOL_VERSION,
                        "unsupported protocol: " + cause.getMessage());
            } else if (cause instanceof MqttIdentifierRejectedException) {
                refuse(ctx, null, MqttConnectReturnCode.CONNECTION_REFUSED_IDENTIFIER_REJECTED, cause.getMessage());
            } else {
                services.disconnector().close(ctx.channel(), CloseReason.MALFORMED, String.valueOf(cause));
            }
            return;
        }
        if (msg.fixedHeader().messageType() != MqttMessageType.CONNECT) {
            services.disconnector().close(ctx.channel(), CloseReason.NO_CONNECT,
                    msg.fixedHeader().messageType() + " before CONNECT");
            return;
        }
        connect(ctx, (MqttConnectMessage) msg);
    }

    private void connect(ChannelHandlerContext ctx, MqttConnectMessage connect) {
        String clientId = connect.payload().clientIdentifier();
        int level = connect.variableHeader().version();
        if (level != MQTT_3_1_1) {
            refuse(ctx, clientId, MqttConnectReturnCode.CONNECTION_REFUSED_UNACCEPTABLE_PROTOCOL_VERSION,
                    "protocol level " + level + "; DPS speaks MQTT 3.1.1 (level 4) only");
            return;
        }
        String malformed = malformedFlags(connect.variableHeader());
        if (malformed != null) {
            // a malformed packet is not answered: MQTT 3.1.1 §4.8 closes the connection without CONNACK
            services.disconnector().close(ctx.channel(), CloseReason.MALFORMED, "CONNECT flags: " + malformed);
            return;
        }
        if (!connect.variableHeader().hasUserName()) {
            refuse(ctx, clientId, MqttConnectReturnCode.CONNECTION_REFUSED_BAD_USER_NAME_OR_PASSWORD,
                    "no username; expected {idScope}/registrations/{registrationId}/api-version=...");
            return;
        }
        MqttUsername username;
        try {
            username = MqttUsername.parse(connect.payload().userName());
        } catch (DpsProtocolException e) {
            refuse(ctx, clientId, MqttConnectReturnCode.CONNECTION_REFUSED_BAD_USER_NAME_OR_PASSWORD,
                    "bad username: " + e.getMessage());
            return;
        }
        if (!username.registrationId().equalsIgnoreCase(clientId)) {
            refuse(ctx, clientId, MqttConnectReturnCode.CONNECTION_REFUSED_IDENTIFIER_REJECTED,
                    "client id '" + clientId + "' differs from the username's registration id '"
                            + username.registrationId() + "'");
            return;
        }
        if (!connect.variableHeader().isCleanSession() && services.provisioning().strictCleanSession()) {
            refuse(ctx, clientId, MqttConnectReturnCode.CONNECTION_REFUSED_IDENTIFIER_REJECTED,
                    "cleanSession 0 is refused in strict mode: DPS does not keep sessions");
            return;
        }
        byte[] password = connect.payload().passwordInBytes();
        DeviceIdentity identity = DeviceIdentity.of(username.idScope(), username.registrationId(),
                password == null ? null : new String(password, StandardCharsets.UTF_8),
                () -> TlsPeer.certificateChain(ctx.channel()));
        if (identity.attestsWithCertificate()) {
            String commonName = CertificateFacts.commonName(identity.certificateChain().get(0));
            if (!username.registrationId().equalsIgnoreCase(commonName)) {
                refuse(ctx, clientId, MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED,
                        "the client certificate's CN '" + commonName + "' differs from the registration id '"
                                + username.registrationId() + "'");
                return;
            }
        }
        Transport transport = ctx.pipeline().get(HandlerNames.WS_MQTT) != null ? Transport.MQTT_WS : Transport.MQTT;
        accept(ctx, connect, identity, new DeviceClient(transport, username.apiVersion()));
    }

    /**
     * The CONNECT flag rules of MQTT 3.1.1 §3.1.2.3-§3.1.2.9 that Netty's decoder leaves to us (it
     * checks only the reserved bit [MQTT-3.1.2-3]); null when the flags are well-formed. A
     * well-formed will is accepted and never published: a DPS connection ends without one mattering.
     */
    private static String malformedFlags(MqttConnectVariableHeader header) {
        if (header.willQos() == 3) {
            return "will QoS 3 does not exist [MQTT-3.1.2-14]";
        }
        if (!header.isWillFlag() && header.willQos() != 0) {
            return "will QoS " + header.willQos() + " without the will flag [MQTT-3.1.2-13]";
        }
        if (!header.isWillFlag() && header.isWillRetain()) {
            return "will retain without the will flag [MQTT-3.1.2-15]";
        }
        if (header.hasPassword() && !header.hasUserName()) {
            return "password flag without the username flag [MQTT-3.1.2-22]";
        }
        return null;
    }

    private void accept(ChannelHandlerContext ctx, MqttConnectMessage connect, DeviceIdentity identity,
            DeviceClient client) {
        Channel channel = ctx.channel();
        DeviceSession session = new DeviceSession(identity, client, connect.variableHeader().keepAliveTimeSeconds());
        channel.attr(DeviceSession.KEY).set(session);
        channel.attr(Disconnector.REGISTRATION_ID).set(identity.registrationId());
        if (services.sessions().claim(identity.registrationId(), channel)) {
            open(ctx, session);
            return;
        }
        // store work never runs on the event loop; reading pauses until the verdict
        waiting = new ArrayDeque<>();
        channel.config().setAutoRead(false);
        services.registrations().verifyCredentials(identity).whenComplete((outcome, error) ->
                ctx.executor().execute(() -> takeOver(ctx, session, outcome, error)));
    }

    /** The verdict on a newcomer for a registration id a live connection held when it arrived. */
    private void takeOver(ChannelHandlerContext ctx, DeviceSession session, AuthOutcome outcome, Throwable error) {
        if (!ctx.channel().isActive()) {
            return;
        }
        String registrationId = session.identity().registrationId();
        if (error != null) {
            refuse(ctx, registrationId, MqttConnectReturnCode.CONNECTION_REFUSED_SERVER_UNAVAILABLE,
                    "a live connection holds the registration id, and the credentials could not be checked: " + error);
            return;
        }
        if (outcome instanceof AuthOutcome.Refused refusal) {
            // a store that cannot answer is no verdict on the credentials: the client may try again
            refuse(ctx, registrationId, refusal.errorCode() == ErrorCodes.STORE_UNAVAILABLE
                    ? MqttConnectReturnCode.CONNECTION_REFUSED_SERVER_UNAVAILABLE
                    : MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED,
                    "a live connection holds the registration id, and these credentials do not prove it: "
                            + refusal.reason());
            return;
        }
        session.markAuthenticated();
        // the holder seen at CONNECT may have closed, or another proven newcomer come first: this one wins now
        Channel previous = services.sessions().takeOver(registrationId, ctx.channel());
        if (previous != null) {
            services.disconnector().close(previous, CloseReason.TAKEN_OVER,
                    "a new connection proved the same identity");
        }
        open(ctx, session);
        ctx.channel().config().setAutoRead(true);
    }

    /** CONNACK 0, then the packets that came after CONNECT, then the provisioning handler takes over. */
    private void open(ChannelHandlerContext ctx, DeviceSession session) {
        ctx.pipeline().remove(HandlerNames.CONNECT_DEADLINE);
        IdleTimeout.apply(ctx.pipeline(), session, services.limits());
        // session-present is always 0: DPS keeps no sessions, and C# fails on 1
        MqttConnAckMessage connAck = MqttMessageBuilders.connAck()
                .returnCode(MqttConnectReturnCode.CONNECTION_ACCEPTED)
                .sessionPresent(false)
                .build();
        ctx.writeAndFlush(connAck);
        if (waiting != null) {
            for (MqttMessage next; (next = waiting.poll()) != null; ) {
                ctx.fireChannelRead(next);
            }
            waiting = null;
        }
        ctx.pipeline().remove(this);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        releaseWaiting();
    }

    private void releaseWaiting() {
        if (waiting != null) {
            for (MqttMessage next; (next = waiting.poll()) != null; ) {
                ReferenceCountUtil.release(next);
            }
        }
    }

    /**
     * Refusing CONNACKs are written as raw MQTT 3.1.1 bytes: the decoder has already switched the
     * codec to the client's protocol version, and a refused MQTT 5 client still reads a 3.1.1 CONNACK.
     */
    private void refuse(ChannelHandlerContext ctx, String clientId, MqttConnectReturnCode code, String reason) {
        refused = true;
        releaseWaiting();
        EventLog.connectRefused(ctx.channel().remoteAddress(), clientId, reason);
        services.metrics().connectRefused(code);
        byte[] connAck = {0x20, 0x02, 0x00, code.byteValue()};
        ctx.writeAndFlush(Unpooled.wrappedBuffer(connAck)).addListener((ChannelFutureListener) f ->
                services.disconnector().close(ctx.channel(), CloseReason.CONNECT_REFUSED, reason));
    }
}
