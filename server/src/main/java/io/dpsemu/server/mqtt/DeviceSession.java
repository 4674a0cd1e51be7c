package io.dpsemu.server.mqtt;

import io.dpsemu.server.device.DeviceClient;
import io.dpsemu.server.device.DeviceIdentity;
import io.netty.util.AttributeKey;

/**
 * The state of one device connection after its CONNECT was accepted. Touched only on the
 * channel's event loop.
 */
final class DeviceSession {

    static final AttributeKey<DeviceSession> KEY = AttributeKey.valueOf("dps.session");

    private final DeviceIdentity identity;
    private final DeviceClient client;
    private final int keepAliveSeconds;
    /** Granted QoS of the response subscription, or -1 when not subscribed. */
    private int responseQos = -1;
    private boolean authenticated;
    private int authFailures;
    private int inflight;
    private int nextPacketId;

    DeviceSession(DeviceIdentity identity, DeviceClient client, int keepAliveSeconds) {
        this.identity = identity;
        this.client = client;
        this.keepAliveSeconds = keepAliveSeconds;
    }

    DeviceIdentity identity() {
        return identity;
    }

    /** MQTT on 8883 or MQTT over WebSocket on 443, and the username's api-version. */
    DeviceClient client() {
        return client;
    }

    /** The keep-alive the client asked for in CONNECT; 0 when none. */
    int keepAliveSeconds() {
        return keepAliveSeconds;
    }

    int responseQos() {
        return responseQos;
    }

    void responseQos(int qos) {
        this.responseQos = qos;
    }

    boolean authenticated() {
        return authenticated;
    }

    /** The device proved its identity: a 2xx answer from the engine, or credentials verified at CONNECT. */
    void markAuthenticated() {
        authenticated = true;
    }

    int recordAuthFailure() {
        return ++authFailures;
    }

    boolean tryStartRequest(int maxInflight) {
        if (inflight >= maxInflight) {
            return false;
        }
        inflight++;
        return true;
    }

    void requestDone() {
        inflight--;
    }

    boolean requestsInProgress() {
        return inflight > 0;
    }

    int nextPacketId() {
        nextPacketId = nextPacketId % 0xffff + 1;
        return nextPacketId;
    }
}
