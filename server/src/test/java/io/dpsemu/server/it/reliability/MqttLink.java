package io.dpsemu.server.it.reliability;

import io.dpsemu.server.rawhttp.RawHttpsClient;
import io.dpsemu.server.rawhttp.WebSocketMqtt;
import io.dpsemu.server.rawmqtt.RawMqttClient;
import io.dpsemu.server.rawmqtt.RawMqttDevice;
import io.dpsemu.server.rawmqtt.RawMqttPackets;
import io.dpsemu.server.rawmqtt.RawMqttReply;
import io.netty.handler.codec.mqtt.MqttMessageType;
import java.io.IOException;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A device on MQTT, over TLS (8883) or over WebSocket (443): a session (CONNECT, SUBSCRIBE at QoS 0)
 * opened on first use and again after the server closed it; requests are QoS 0 PUBLISHes with a
 * fresh {@code $rid}, answered on the response topic.
 */
final class MqttLink implements DeviceLink {

    private static final Pattern RETRY_AFTER = Pattern.compile("[?&]retry-after=(\\d+)");

    /** One MQTT session's packets, whatever carries them. */
    private interface Session extends AutoCloseable {
        void send(byte[] packet) throws IOException;

        RawMqttReply next() throws IOException;

        @Override
        void close();
    }

    @FunctionalInterface
    private interface Opener {
        Session open() throws IOException;
    }

    private final String transport;
    private final RawMqttDevice device;
    private final Opener opener;
    private Session session;
    private int rid;

    private MqttLink(String transport, RawMqttDevice device, Opener opener) {
        this.transport = transport;
        this.device = device;
        this.opener = opener;
    }

    static MqttLink overTls(Target target, RawMqttDevice device) {
        return new MqttLink("mqtt", device, () -> {
            RawMqttClient client = RawMqttClient.session(target.mqttPort(), target.caCertificate(), device);
            return new Session() {
                @Override
                public void send(byte[] packet) throws IOException {
                    client.send(packet);
                }

                @Override
                public RawMqttReply next() throws IOException {
                    return client.next();
                }

                @Override
                public void close() {
                    closeQuietly(client);
                }
            };
        });
    }

    static MqttLink overWebSocket(Target target, RawMqttDevice device) {
        return new MqttLink("mqttws", device, () -> {
            RawHttpsClient client = RawHttpsClient.connect(target.httpsPort(), target.caCertificate());
            WebSocketMqtt mqtt = WebSocketMqtt.upgrade(client, "/mqtt");
            mqtt.send(device.connect().bytes());
            RawMqttReply connAck = mqtt.next(MqttMessageType.CONNACK);
            if (connAck.returnCode() != 0) {
                throw new AssertionError("CONNECT of " + device.registrationId() + " refused: " + connAck);
            }
            mqtt.send(RawMqttPackets.subscribeResponses(1, 0));
            mqtt.next(MqttMessageType.SUBACK);
            return new Session() {
                @Override
                public void send(byte[] packet) throws IOException {
                    mqtt.send(packet);
                }

                @Override
                public RawMqttReply next() throws IOException {
                    return mqtt.next();
                }

                @Override
                public void close() {
                    mqtt.close();
                    closeQuietly(client);
                }
            };
        });
    }

    @Override
    public String registrationId() {
        return device.registrationId();
    }

    @Override
    public String transport() {
        return transport;
    }

    @Override
    public Answer register() throws IOException {
        String body = "{\"registrationId\":\"" + device.registrationId() + "\"}";
        return exchange("register", id -> RawMqttPackets.register(id, 0, 0, body));
    }

    @Override
    public Answer poll(String operationId) throws IOException {
        return exchange("poll", id -> RawMqttPackets.poll(id, operationId, 0, 0));
    }

    @Override
    public void close() {
        if (session != null) {
            session.close();
            session = null;
        }
    }

    private Answer exchange(String request, Function<String, byte[]> packet) throws IOException {
        String id = Integer.toString(++rid);
        try {
            if (session == null) {
                session = opener.open();
            }
            session.send(packet.apply(id));
            RawMqttReply reply;
            do {
                reply = session.next();
            } while (!reply.isResponse() || !reply.rid().equals(id));
            Matcher retryAfter = RETRY_AFTER.matcher(reply.topic());
            return Answer.of(transport, request, reply.status(),
                    retryAfter.find() ? Integer.valueOf(retryAfter.group(1)) : null, reply.payload());
        } catch (IOException | AssertionError e) {
            // the raw clients report a connection the server closed (or a server silent for their
            // timeout) as AssertionError, being made for single exchanges; a device reconnects instead
            close();
            throw e instanceof IOException io ? io : new IOException(e.getMessage(), e);
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception ignored) {
            // the connection is being abandoned
        }
    }
}
