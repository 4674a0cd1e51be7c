package io.dpsemu.server.netty;

import io.dpsemu.server.channel.HandlerNames;
import io.dpsemu.server.mqtt.ConnectHandler;
import io.dpsemu.server.mqtt.MqttServices;
import io.dpsemu.server.mqtt.ProvisioningHandler;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;

/**
 * The MQTT tail of a pipeline, shared by every transport that carries MQTT (TLS on 8883, and
 * WebSocket on 443): deadline, frame guard, strict decoder, encoder, CONNECT, provisioning,
 * exceptions.
 */
public final class MqttHandlers {

    /** Netty's own client-id cap; registration ids are at most 128 characters. */
    private static final int MAX_CLIENT_ID_LENGTH = 128;

    private MqttHandlers() {
    }

    public static void addTo(ChannelPipeline pipeline, MqttServices services, ExceptionHandler exceptions) {
        var limits = services.limits();
        pipeline.addLast(HandlerNames.CONNECT_DEADLINE,
                new ConnectDeadlineHandler(limits.connectTimeoutSeconds() * 1000L, services.disconnector()));
        pipeline.addLast(HandlerNames.MQTT_FRAME_GUARD, new MqttFrameGuard(limits.maxConnectPacketBytes(),
                limits.maxPacketBytes(), services.disconnector()));
        pipeline.addLast(HandlerNames.MQTT_DECODER,
                new MqttDecoder(limits.maxPacketBytes(), MAX_CLIENT_ID_LENGTH, true));
        pipeline.addLast(HandlerNames.MQTT_ENCODER, MqttEncoder.INSTANCE);
        pipeline.addLast(HandlerNames.CONNECT, new ConnectHandler(services));
        pipeline.addLast(HandlerNames.DPS, new ProvisioningHandler(services));
        pipeline.addLast(HandlerNames.EXCEPTIONS, exceptions);
    }
}
