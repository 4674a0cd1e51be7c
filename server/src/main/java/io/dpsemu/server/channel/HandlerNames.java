package io.dpsemu.server.channel;

/** Pipeline handler names, in pipeline order (docs/architecture.md#pipelines). */
public final class HandlerNames {

    public static final String TLS = "tls";
    public static final String HTTP_DEADLINE = "http-deadline";
    public static final String HTTP_IDLE = "http-idle";
    public static final String HTTP_CODEC = "http-codec";
    public static final String HTTP_AGGREGATOR = "http-aggregator";
    public static final String UPGRADE_GUARD = "upgrade-guard";
    public static final String WS_MQTT = "ws-mqtt";
    public static final String CONNECT_DEADLINE = "connect-deadline";
    public static final String MQTT_FRAME_GUARD = "mqtt-frame-guard";
    public static final String MQTT_DECODER = "mqtt-decoder";
    public static final String MQTT_ENCODER = "mqtt-encoder";
    public static final String KEEP_ALIVE = "keep-alive";
    public static final String CONNECT = "connect";
    public static final String DPS = "dps";
    public static final String EXCEPTIONS = "exceptions";
    /** On the listening channels, after Netty's acceptor. */
    public static final String ACCEPT_ERRORS = "accept-errors";

    private HandlerNames() {
    }
}
