package io.dpsemu.server.it.reliability;

import io.dpsemu.protocol.auth.DerivedKeys;
import io.dpsemu.server.it.DeviceApiConnection;
import io.dpsemu.server.it.DeviceRequests;
import io.dpsemu.server.rawmqtt.RawMqttClient;
import io.dpsemu.server.rawmqtt.RawMqttDevice;
import io.dpsemu.server.rawmqtt.RawMqttPackets;
import io.dpsemu.server.rawmqtt.RawMqttReply;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;

/**
 * One client flooding the server with registrations as fast as it can (issue 11 case 1): one MQTT
 * connection that pipelines registers and five HTTPS keep-alive connections that send them back to
 * back, none of them ever polling. Either every register is for the same registration id (one
 * device's credential in a loop), or each HTTPS register mints a new registration id with a group key.
 * It counts the answers by status and DPS error code.
 */
final class Attacker implements AutoCloseable {

    private static final int HTTPS_CONNECTIONS = 5;
    /** Registers sent on the MQTT connection before reading their answers: below maxInflightPerConnection. */
    private static final int MQTT_WINDOW = 8;
    private static final int REQUEST_TIMEOUT_MILLIS = 30_000;

    private final Target target;
    private final RawMqttDevice mqttDevice;
    private final IntFunction<IntFunction<DeviceRequests>> httpsRequests;
    private final Map<String, AtomicLong> answers = new ConcurrentHashMap<>();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean stopping;

    private Attacker(Target target, RawMqttDevice mqttDevice, IntFunction<IntFunction<DeviceRequests>> httpsRequests) {
        this.target = target;
        this.mqttDevice = mqttDevice;
        this.httpsRequests = httpsRequests;
    }

    /** Every connection registers the one device of this individual enrollment, again and again. */
    static Attacker oneCredential(Target target, String registrationId, String key) {
        RawMqttDevice device = target.device(registrationId, key);
        DeviceRequests requests = new DeviceRequests(target.idScope(), registrationId, device.sasToken());
        return new Attacker(target, device, connection -> n -> requests);
    }

    /** The HTTPS connections register a new registration id of the group each time (the MQTT one, its own id). */
    static Attacker mintingIds(Target target, String groupKey, String prefix) {
        String mqttId = prefix + "-mqtt";
        return new Attacker(target, target.device(mqttId, DerivedKeys.deviceKey(groupKey, mqttId)),
                connection -> n -> DeviceRequests.ofGroupMember(target.idScope(), groupKey,
                        prefix + "-" + connection + "-" + n));
    }

    void start() {
        threads.add(new Thread(this::floodOverMqtt, "attacker-mqtt"));
        for (int i = 0; i < HTTPS_CONNECTIONS; i++) {
            IntFunction<DeviceRequests> requests = httpsRequests.apply(i);
            threads.add(new Thread(() -> floodOverHttps(requests), "attacker-https-" + i));
        }
        threads.forEach(thread -> {
            thread.setDaemon(true);
            thread.start();
        });
    }

    /** Stops the connections and waits for them. */
    @Override
    public void close() {
        stopping = true;
        for (Thread thread : threads) {
            try {
                thread.join(REQUEST_TIMEOUT_MILLIS * 2L);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Answers so far by {@code status} or {@code status/errorCode}, e.g. {@code 202}, {@code 429/429002}. */
    Map<String, Long> answers() {
        Map<String, Long> copy = new TreeMap<>();
        answers.forEach((k, v) -> copy.put(k, v.get()));
        return copy;
    }

    long total() {
        return answers.entrySet().stream().filter(e -> !e.getKey().equals("connection lost"))
                .mapToLong(e -> e.getValue().get()).sum();
    }

    long count(String key) {
        AtomicLong n = answers.get(key);
        return n == null ? 0 : n.get();
    }

    private void floodOverHttps(IntFunction<DeviceRequests> requests) {
        try (DeviceApiConnection connection = new DeviceApiConnection("localhost", target.httpsPort(), target.tls(),
                REQUEST_TIMEOUT_MILLIS)) {
            for (int n = 0; !stopping; n++) {
                DeviceRequests device = requests.apply(n);
                try {
                    DeviceApiConnection.Response response = connection.exchange("PUT", device.registerTarget(),
                            device.authorization(), device.registerBody());
                    tally(Answer.of("https", "register", response.status(), response.retryAfterSeconds(),
                            response.body()));
                } catch (IOException e) {
                    tally("connection lost");
                }
            }
        }
    }

    private void floodOverMqtt() {
        int rid = 0;
        while (!stopping) {
            try (RawMqttClient client = RawMqttClient.session(target.mqttPort(), target.caCertificate(), mqttDevice)) {
                while (!stopping) {
                    for (int i = 0; i < MQTT_WINDOW; i++) {
                        client.send(RawMqttPackets.register(Integer.toString(++rid), 0, 0, ""));
                    }
                    for (int i = 0; i < MQTT_WINDOW; i++) {
                        RawMqttReply reply = client.next();
                        tally(Answer.of("mqtt", "register", reply.status(), null, reply.payload()));
                    }
                }
            } catch (IOException | AssertionError e) {
                // the raw client reports a closed connection as AssertionError; reconnect, as a flooder would
                tally("connection lost");
            }
        }
    }

    private void tally(Answer answer) {
        tally(answer.status() >= 400 ? answer.status() + "/" + answer.errorCode() : Integer.toString(answer.status()));
    }

    private void tally(String key) {
        answers.computeIfAbsent(key, k -> new AtomicLong()).incrementAndGet();
    }
}
