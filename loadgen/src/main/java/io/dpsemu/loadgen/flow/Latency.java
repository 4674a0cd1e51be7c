package io.dpsemu.loadgen.flow;

/** The parts of a flow whose latency is measured, with their names in the JSON summary. */
public enum Latency {
    /** From the start of the flow to the TCP connection. */
    CONNECT("connect"),
    /** The TLS handshake. */
    TLS("tls"),
    /** The WebSocket upgrade ({@code mqttws} only). */
    WEBSOCKET("websocket"),
    /** CONNECT to CONNACK ({@code mqtt} and {@code mqttws}). */
    MQTT_CONNECT("mqttConnect"),
    /** From sending the register request to the {@code assigned} answer, polls included. */
    REGISTER_TO_ASSIGNED("registerToAssigned"),
    /** From the start of the flow to the {@code assigned} answer. */
    FLOW("flow");

    private final String key;

    Latency(String key) {
        this.key = key;
    }

    public String key() {
        return key;
    }
}
