package io.dpsemu.server.it.reliability;

import io.dpsemu.server.DpsServer;
import io.dpsemu.server.it.DeviceApiConnection;
import io.dpsemu.server.it.DeviceRequests;
import io.dpsemu.server.rawmqtt.RawMqttDevice;
import java.nio.file.Path;
import java.util.List;
import javax.net.ssl.SSLContext;

/**
 * Where devices reach a server under test: its ports, the CA they trust and its id scope; and the
 * links of its devices over each transport.
 */
record Target(String idScope, int mqttPort, int httpsPort, Path caCertificate, SSLContext tls) {

    static Target of(DpsServer server) {
        return new Target(server.idScope(), server.mqttPort(), server.httpsPort(), server.caCertificate(),
                DeviceApiConnection.trusting(List.of(server.caCertificate())));
    }

    /** A device of an individual enrollment with this key, or of a group (the key derived from the group's). */
    RawMqttDevice device(String registrationId, String key) {
        return new RawMqttDevice(idScope, registrationId, key);
    }

    DeviceLink link(String transport, RawMqttDevice device) {
        return switch (transport) {
            case "https" -> new HttpsLink(this,
                    new DeviceRequests(idScope, device.registrationId(), device.sasToken()));
            case "mqtt" -> MqttLink.overTls(this, device);
            case "mqttws" -> MqttLink.overWebSocket(this, device);
            default -> throw new IllegalArgumentException("no transport " + transport);
        };
    }
}
