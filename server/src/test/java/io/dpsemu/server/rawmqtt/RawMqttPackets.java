package io.dpsemu.server.rawmqtt;

import io.dpsemu.protocol.topic.DpsTopics;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * MQTT 3.1.1 client packets built byte by byte, so tests can send exactly what a device (or an
 * attacker) would, including packets no well-behaved encoder produces. Shared by the
 * {@code EmbeddedChannel} unit tests and the raw-socket integration tests.
 */
public final class RawMqttPackets {

    public static final int CONNECT = 0x10;
    public static final int PUBLISH = 0x30;
    public static final int PUBACK = 0x40;
    public static final int SUBSCRIBE = 0x82;
    public static final int UNSUBSCRIBE = 0xA2;
    public static final int PINGREQ = 0xC0;
    public static final int DISCONNECT = 0xE0;

    private RawMqttPackets() {
    }

    /** A packet: the first byte (type and flags), the remaining length as a variable byte integer, the body. */
    public static byte[] packet(int firstByte, byte[] body) {
        Bytes out = new Bytes().u8(firstByte);
        int length = body.length;
        do {
            int digit = length % 128;
            length /= 128;
            out.u8(length > 0 ? digit | 0x80 : digit);
        } while (length > 0);
        return out.raw(body).toArray();
    }

    public static Connect connect(String clientId) {
        return new Connect(clientId);
    }

    /** SUBSCRIBE with one (filter, QoS) pair per subscription. */
    public static byte[] subscribe(int packetId, Subscription... subscriptions) {
        Bytes body = new Bytes().u16(packetId);
        for (Subscription s : subscriptions) {
            body.string(s.filter()).u8(s.qos());
        }
        return packet(SUBSCRIBE, body.toArray());
    }

    /** The one subscription every DPS SDK makes. */
    public static byte[] subscribeResponses(int packetId, int qos) {
        return subscribe(packetId, new Subscription(DpsTopics.SUBSCRIBE_FILTER, qos));
    }

    public static byte[] unsubscribe(int packetId, String... filters) {
        Bytes body = new Bytes().u16(packetId);
        for (String filter : filters) {
            body.string(filter);
        }
        return packet(UNSUBSCRIBE, body.toArray());
    }

    /** PUBLISH at QoS 0 (packetId ignored), 1 or 2; the body is sent as UTF-8. */
    public static byte[] publish(String topic, int qos, int packetId, String body) {
        Bytes variable = new Bytes().string(topic);
        if (qos > 0) {
            variable.u16(packetId);
        }
        return packet(PUBLISH | qos << 1, variable.raw(body.getBytes(StandardCharsets.UTF_8)).toArray());
    }

    public static byte[] register(String rid, int qos, int packetId, String body) {
        return publish(registerTopic(rid), qos, packetId, body);
    }

    /** An operation-status poll with an empty body (Java, C#, embedded C). */
    public static byte[] poll(String rid, String operationId, int qos, int packetId) {
        return publish(statusTopic(rid, operationId), qos, packetId, "");
    }

    public static String registerTopic(String rid) {
        return DpsTopics.REGISTER_PREFIX + "?$rid=" + rid;
    }

    public static String statusTopic(String rid, String operationId) {
        return DpsTopics.STATUS_PREFIX + "?$rid=" + rid + "&operationId=" + operationId;
    }

    public static byte[] puback(int packetId) {
        return packet(PUBACK, new Bytes().u16(packetId).toArray());
    }

    public static byte[] pingreq() {
        return packet(PINGREQ, new byte[0]);
    }

    public static byte[] disconnect() {
        return packet(DISCONNECT, new byte[0]);
    }

    /** All packets in one array, as if they arrived in one TCP segment. */
    public static byte[] concat(byte[]... packets) {
        Bytes out = new Bytes();
        for (byte[] p : packets) {
            out.raw(p);
        }
        return out.toArray();
    }

    public static byte[] hex(String hex) {
        String digits = hex.replace(" ", "");
        byte[] out = new byte[digits.length() / 2];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) Integer.parseInt(digits.substring(2 * i, 2 * i + 2), 16);
        }
        return out;
    }

    public record Subscription(String filter, int qos) {
    }

    /** CONNECT, MQTT 3.1.1 by default; every field can be bent. */
    public static final class Connect {

        private final String clientId;
        private String protocolName = "MQTT";
        private int level = 4;
        private boolean cleanSession = true;
        private int keepAliveSeconds = 60;
        private String username;
        private String password;
        private String willTopic;
        private String willMessage;
        private Integer flags;

        private Connect(String clientId) {
            this.clientId = clientId;
        }

        public Connect protocol(String name, int protocolLevel) {
            this.protocolName = name;
            this.level = protocolLevel;
            return this;
        }

        public Connect cleanSession(boolean clean) {
            this.cleanSession = clean;
            return this;
        }

        public Connect keepAlive(int seconds) {
            this.keepAliveSeconds = seconds;
            return this;
        }

        public Connect username(String name) {
            this.username = name;
            return this;
        }

        public Connect password(String secret) {
            this.password = secret;
            return this;
        }

        /** A will topic and message in the payload; the will flag is set unless {@link #flags} says otherwise. */
        public Connect will(String topic, String message) {
            this.willTopic = topic;
            this.willMessage = message;
            return this;
        }

        /**
         * The CONNECT flags byte exactly as given, instead of the one the fields imply; the payload
         * still carries the will, username and password that were set.
         */
        public Connect flags(int connectFlags) {
            this.flags = connectFlags;
            return this;
        }

        public byte[] bytes() {
            int implied = (cleanSession ? 0x02 : 0) | (willTopic != null ? 0x04 : 0) | (username != null ? 0x80 : 0)
                    | (password != null ? 0x40 : 0);
            Bytes body = new Bytes().string(protocolName).u8(level).u8(flags != null ? flags : implied)
                    .u16(keepAliveSeconds);
            if (level == 5) {
                body.u8(0); // no CONNECT properties
            }
            body.string(clientId);
            if (willTopic != null) {
                body.string(willTopic).string(willMessage);
            }
            if (username != null) {
                body.string(username);
            }
            if (password != null) {
                body.string(password);
            }
            return packet(CONNECT, body.toArray());
        }
    }

    private static final class Bytes {

        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Bytes u8(int value) {
            out.write(value);
            return this;
        }

        Bytes u16(int value) {
            return u8(value >>> 8 & 0xff).u8(value & 0xff);
        }

        Bytes string(String value) {
            byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
            return u16(utf8.length).raw(utf8);
        }

        Bytes raw(byte[] bytes) {
            out.writeBytes(bytes);
            return this;
        }

        byte[] toArray() {
            return out.toByteArray();
        }
    }
}
