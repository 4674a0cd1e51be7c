package io.dpsemu.server.mqtt;

import static io.dpsemu.server.rawmqtt.RawMqttPackets.connect;
import static io.dpsemu.server.rawmqtt.RawMqttPackets.poll;
import static io.dpsemu.server.rawmqtt.RawMqttPackets.publish;
import static io.dpsemu.server.rawmqtt.RawMqttPackets.register;
import static io.dpsemu.server.rawmqtt.RawMqttPackets.statusTopic;
import static io.dpsemu.server.rawmqtt.RawMqttPackets.subscribeResponses;
import static io.dpsemu.server.rawmqtt.RawMqttPackets.unsubscribe;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import com.fasterxml.jackson.databind.JsonNode;
import io.dpsemu.protocol.topic.DpsTopics;
import io.dpsemu.server.metrics.CloseReason;
import io.dpsemu.server.rawmqtt.RawMqttDevice;
import io.dpsemu.server.rawmqtt.RawMqttEmbeddedServer;
import io.dpsemu.server.rawmqtt.RawMqttEmbeddedServer.Connection;
import io.dpsemu.server.rawmqtt.RawMqttReply;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttQoS;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Register and poll PUBLISHes in the full MQTT pipeline over a real provisioning engine and an
 * in-memory store (docs/protocol-notes.md#mqtt-topics, #result-bodies).
 */
class ProvisioningHandlerPublishTest {

    private static final String REGISTRATION_ID = "device-1";
    private static final String RETRY_AFTER = "&retry-after=" + RawMqttEmbeddedServer.RETRY_AFTER_SECONDS;

    private RawMqttEmbeddedServer server = RawMqttEmbeddedServer.start();

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void register_whenQos1_thenPubackIsWrittenBeforeTheResponse() {
        Connection connection = subscribed(server.enroll(REGISTRATION_ID), 1);

        List<RawMqttReply> replies = connection.send(register("2", 1, 17, ""));

        assertThat(replies).extracting(RawMqttReply::type)
                .containsExactly(MqttMessageType.PUBACK, MqttMessageType.PUBLISH);
        assertThat(replies.get(0).packetId()).isEqualTo(17);
        assertThat(replies.get(1).status()).isEqualTo(202);
    }

    @Test
    void register_whenQos0_thenNoPubackOnlyTheResponse() {
        Connection connection = subscribed(server.enroll(REGISTRATION_ID), 1);

        List<RawMqttReply> replies = connection.send(register("1", 0, 0, ""));

        assertThat(replies).singleElement().satisfies(response -> assertThat(response.status()).isEqualTo(202));
    }

    @Test
    void publish_whenQos2_thenClose() {
        Connection connection = subscribed(server.enroll(REGISTRATION_ID), 1);

        List<RawMqttReply> replies = connection.send(register("1", 2, 5, ""));

        assertThat(replies).isEmpty();
        assertThat(connection.isOpen()).isFalse();
        assertThat(server.closedCount(CloseReason.QOS_NOT_SUPPORTED)).isEqualTo(1.0);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "devices/device-1/messages/events/",
        "$dps/registrations/res/202/?$rid=1",
        "$dps/registrations/PUT/iotdps-register/",
        "$dps/registrations/PUT/iotdps-register/?rid=1",
        "$dps/registrations/GET/iotdps-get-operationstatus/?$rid=1",
        "$dps/registrations/PUT/iotdps-get-operationstatus/?$rid=1&operationId=x"})
    void publish_whenTopicIsNotADpsRequestTopic_thenClose(String topic) {
        Connection connection = subscribed(server.enroll(REGISTRATION_ID), 1);

        List<RawMqttReply> replies = connection.send(publish(topic, 1, 3, "{}"));

        assertThat(replies).isEmpty();
        assertThat(connection.isOpen()).isFalse();
        assertThat(server.closedCount(CloseReason.FORBIDDEN_TOPIC)).isEqualTo(1.0);
    }

    @Test
    void register_thenResponseIs202WithRidFirstAndRetryAfter3AndAssigningBody() {
        Connection connection = subscribed(server.enroll(REGISTRATION_ID), 1);

        RawMqttReply response = response(connection.send(register("2", 1, 2, "{\"registrationId\":\"device-1\"}")));

        assertThat(response.topic()).isEqualTo("$dps/registrations/res/202/?$rid=2" + RETRY_AFTER);
        JsonNode body = response.json();
        assertThat(body.fieldNames()).toIterable().containsExactlyInAnyOrder("operationId", "status");
        assertThat(body.path("status").asText()).isEqualTo("assigning");
        assertThat(body.path("operationId").asText()).matches("[A-Za-z0-9.-]+");
    }

    @ParameterizedTest
    @ValueSource(strings = {"1", "6f1c9a3e-8d2b-4c4e-9f6a-0123456789ab", "6f1c9a3e%2D8d2b%2D4c4e", "abc%20def"})
    void register_whenRidIsAnyOpaqueString_thenEchoedVerbatimAndFirst(String rid) {
        Connection connection = subscribed(server.enroll(REGISTRATION_ID), 1);

        RawMqttReply response = response(connection.send(register(rid, 1, 2, "")));

        assertThat(response.topic()).isEqualTo("$dps/registrations/res/202/?$rid=" + rid + RETRY_AFTER);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "",
        " ",
        "{\"registrationId\":\"device-1\"}",
        "{\"payload\":null,\"registrationId\":\"device-1\"}",
        "{\"registrationId\":\"device-1\",\"payload\":\"{\\\"a\\\":1}\"}",
        "{\"registrationId\":\"device-1\",\"payload\":{\"modelId\":\"dtmi:x;1\"}}",
        "{\"payload\":{\"modelId\":\"dtmi:x;1\"}}"})
    void register_whenBodyHasTheShapeOfAnySdk_thenAccepted(String body) {
        Connection connection = subscribed(server.enroll(REGISTRATION_ID), 1);

        RawMqttReply response = response(connection.send(register("1", 1, 2, body)));

        assertThat(response.status()).isEqualTo(202);
        assertThat(response.json().path("status").asText()).isEqualTo("assigning");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "not json",
        "{\"registrationId\":",
        "[\"device-1\"]",
        "{\"registrationId\":42}",
        "{\"registrationId\":\"device-1\"} trailing",
        "{\"registrationId\":\"device-1\",\"registrationId\":\"device-1\"}"})
    void register_whenBodyIsNotAValidRegistration_thenRes400WithErrorBodyAndConnectionStaysOpen(String body) {
        Connection connection = subscribed(server.enroll(REGISTRATION_ID), 1);

        RawMqttReply response = response(connection.send(register("5", 1, 2, body)));

        assertThat(response.topic()).isEqualTo("$dps/registrations/res/400/?$rid=5");
        assertDpsError(response.json(), 400001);
        assertThat(connection.isOpen()).isTrue();
    }

    @Test
    void register_whenBodyNamesAnotherRegistrationId_thenRes400AndNoRecord() {
        Connection connection = subscribed(server.enroll(REGISTRATION_ID), 1);

        RawMqttReply response = response(connection.send(register("5", 1, 2, "{\"registrationId\":\"device-2\"}")));

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().path("message").asText()).contains("device-2");
        assertThat(server.store().findRegistration(REGISTRATION_ID)).isEmpty();
    }

    @Test
    void poll_beforeAssignmentCompletes_then202AssigningWithRegistrationState() {
        server.close();
        server = RawMqttEmbeddedServer.builder().holdRegistrationWrites().start();
        Connection connection = subscribed(server.enroll(REGISTRATION_ID), 1);
        String operationId = registered(connection);

        RawMqttReply response = response(connection.send(publish(statusTopic("3", operationId), 1, 3, " ")));

        assertThat(response.topic()).isEqualTo("$dps/registrations/res/202/?$rid=3" + RETRY_AFTER);
        JsonNode body = response.json();
        assertThat(body.path("operationId").asText()).isEqualTo(operationId);
        assertThat(body.path("status").asText()).isEqualTo("assigning");
        assertThat(body.path("registrationState").path("registrationId").asText()).isEqualTo(REGISTRATION_ID);
        assertThat(body.path("registrationState").path("status").asText()).isEqualTo("assigning");

        server.releaseRegistrationWrites();
        assertThat(response(connection.send(poll("4", operationId, 1, 4))).status()).isEqualTo(200);
    }

    @Test
    void poll_afterAssignmentCompleted_then200WithoutRetryAfterAndFullRegistrationState() {
        Connection connection = subscribed(server.enroll(REGISTRATION_ID), 1);
        String operationId = registered(connection);

        RawMqttReply response = response(connection.send(poll("4", operationId, 1, 4)));

        assertThat(response.topic()).isEqualTo("$dps/registrations/res/200/?$rid=4");
        JsonNode body = response.json();
        assertThat(body.path("operationId").asText()).isEqualTo(operationId);
        assertThat(body.path("status").asText()).isEqualTo("assigned");
        JsonNode state = body.path("registrationState");
        assertThat(state.path("registrationId").asText()).isEqualTo(REGISTRATION_ID);
        assertThat(state.path("status").asText()).isEqualTo("assigned");
        assertThat(state.path("substatus").asText()).isEqualTo("initialAssignment");
        assertThat(state.path("assignedHub").asText()).isEqualTo(RawMqttEmbeddedServer.HUB);
        assertThat(state.path("deviceId").asText()).isEqualTo(REGISTRATION_ID);
        assertThat(Instant.parse(state.path("createdDateTimeUtc").asText())).isBeforeOrEqualTo(Instant.now());
        assertThat(Instant.parse(state.path("lastUpdatedDateTimeUtc").asText())).isBeforeOrEqualTo(Instant.now());
        assertThat(state.path("etag").asText()).isNotEmpty();
    }

    @Test
    void poll_whenTheAnswerIsReadyAtOnce_thenItLeavesInTheSameFlushAsThePuback() {
        Connection connection = subscribed(server.enroll(REGISTRATION_ID), 1);
        String operationId = registered(connection);
        AtomicInteger flushes = countFlushes(connection);

        List<RawMqttReply> replies = connection.send(poll("4", operationId, 1, 4));

        assertThat(replies).extracting(RawMqttReply::type).containsExactly(MqttMessageType.PUBACK,
                MqttMessageType.PUBLISH);
        assertThat(flushes).as("one TLS record and one send for both").hasValue(1);
    }

    @Test
    void register_whenTheAnswerIsNotReadyAtOnce_thenThePubackIsFlushedWhenTheReadEnds() {
        Connection connection = subscribed(server.enroll(REGISTRATION_ID), 1);
        AtomicInteger flushes = countFlushes(connection);

        server.whileStorePaused(() -> {
            connection.feed(register("2", 1, 17, ""));
            assertThat(flushes).as("the PUBACK leaves as the read ends").hasValue(1);
        });

        assertThat(connection.runTasks()).extracting(RawMqttReply::type).containsExactly(MqttMessageType.PUBACK,
                MqttMessageType.PUBLISH);
        assertThat(flushes).hasValue(2);
    }

    /** Counts the flushes that reach the socket end of the pipeline. */
    private static AtomicInteger countFlushes(Connection connection) {
        AtomicInteger flushes = new AtomicInteger();
        connection.channel().pipeline().addFirst(new ChannelOutboundHandlerAdapter() {
            @Override
            public void flush(ChannelHandlerContext ctx) {
                flushes.incrementAndGet();
                ctx.flush();
            }
        });
        return flushes;
    }

    @Test
    void poll_whenOperationIsUnknown_thenRes404WithDpsErrorBody() {
        Connection connection = subscribed(server.enroll(REGISTRATION_ID), 1);

        RawMqttReply response = response(connection.send(poll("8", "4.0000000000000000.unknown", 1, 8)));

        assertThat(response.topic()).isEqualTo("$dps/registrations/res/404/?$rid=8");
        assertDpsError(response.json(), 404204);
        assertThat(connection.isOpen()).isTrue();
    }

    @Test
    void poll_whenOperationBelongsToAnotherDevice_thenRes404() {
        String othersOperation = registered(subscribed(server.enroll("device-2"), 1));
        Connection connection = subscribed(server.enroll(REGISTRATION_ID), 1);

        RawMqttReply response = response(connection.send(poll("9", othersOperation, 1, 9)));

        assertThat(response.status()).isEqualTo(404);
        assertDpsError(response.json(), 404204);
        assertThat(response.json().has("registrationState")).isFalse();
    }

    static Stream<Arguments> badCredentials() {
        Function<RawMqttDevice, String> wrongKey =
                d -> d.sasToken(RawMqttDevice.newKey(), Instant.now().plusSeconds(3600));
        Function<RawMqttDevice, String> expired = d -> d.sasToken(d.key(), Instant.now().minus(Duration.ofHours(2)));
        Function<RawMqttDevice, String> garbage = d -> "not a token";
        return Stream.of(
                arguments("signed with another key", wrongKey, "signature"),
                arguments("expired", expired, "expired"),
                arguments("malformed", garbage, "malformed"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badCredentials")
    void register_whenSasTokenIsBad_thenRes401WithAnErrorBodySayingWhy(String name,
            Function<RawMqttDevice, String> token, String reason) {
        RawMqttDevice device = server.enroll(REGISTRATION_ID);
        Connection connection = subscribed(device.connect().password(token.apply(device)).bytes(), 1);

        RawMqttReply response = response(connection.send(register("6", 1, 2, "")));

        assertThat(response.topic()).isEqualTo("$dps/registrations/res/401/?$rid=6");
        assertDpsError(response.json(), response.status());
        assertThat(response.json().path("message").asText()).containsIgnoringCase(reason);
        assertThat(server.store().findRegistration(REGISTRATION_ID)).isEmpty();
    }

    @Test
    void register_whenNoPassword_thenRes401SayingNoCredentials() {
        RawMqttDevice device = server.enroll(REGISTRATION_ID);
        Connection connection = subscribed(
                connect(REGISTRATION_ID).username(device.username()).bytes(), 1);

        RawMqttReply response = response(connection.send(register("6", 1, 2, "")));

        assertThat(response.status()).isEqualTo(401);
        assertThat(response.json().path("message").asText()).contains("no credentials");
    }

    @Test
    void register_whenRefusedMaxAuthFailuresTimes_thenTheLastRefusalIsDeliveredAndTheConnectionCloses() {
        server.close();
        server = RawMqttEmbeddedServer.builder().maxAuthFailures(3).start();
        RawMqttDevice device = server.enroll(REGISTRATION_ID);
        Connection connection = subscribed(device.connect()
                .password(device.sasToken(RawMqttDevice.newKey(), Instant.now().plusSeconds(3600))).bytes(), 1);

        for (int attempt = 1; attempt <= 2; attempt++) {
            assertThat(response(connection.send(register(Integer.toString(attempt), 1, attempt, ""))).status())
                    .isEqualTo(401);
            assertThat(connection.isOpen()).as("open after refusal %d", attempt).isTrue();
        }
        assertThat(response(connection.send(register("3", 1, 3, ""))).status()).isEqualTo(401);

        assertThat(connection.isOpen()).isFalse();
        assertThat(server.closedCount(CloseReason.AUTH_FAILED)).isEqualTo(1.0);
    }

    @Test
    void response_isNotWrittenBeforeTheMinimumResponseDelay() {
        server.close();
        server = RawMqttEmbeddedServer.builder().minResponseDelayMillis(10_000).start();
        Connection connection = subscribed(server.enroll(REGISTRATION_ID), 1);

        List<RawMqttReply> immediately = connection.send(register("1", 1, 2, ""));

        assertThat(immediately).extracting(RawMqttReply::type).containsExactly(MqttMessageType.PUBACK);
        assertThat(Duration.ofNanos(connection.nextScheduledTaskNanos()))
                .as("the response is a scheduled task")
                .isGreaterThan(Duration.ofSeconds(5))
                .isLessThanOrEqualTo(Duration.ofSeconds(10));
        assertThat(connection.advanceTimeBy(Duration.ofSeconds(5))).isEmpty();
        assertThat(connection.advanceTimeBy(Duration.ofSeconds(5)))
                .singleElement()
                .satisfies(response -> assertThat(response.status()).isEqualTo(202));
    }

    @ParameterizedTest(name = "subscribed at QoS {0}")
    @ValueSource(ints = {0, 1, 2})
    void response_isDeliveredAtTheGrantedQos(int subscribedQos) {
        Connection connection = subscribed(server.enroll(REGISTRATION_ID), subscribedQos);

        RawMqttReply response = response(connection.send(register("1", 1, 2, "")));

        MqttQoS expected = subscribedQos == 0 ? MqttQoS.AT_MOST_ONCE : MqttQoS.AT_LEAST_ONCE;
        assertThat(response.qos()).isEqualTo(expected);
        if (expected == MqttQoS.AT_LEAST_ONCE) {
            assertThat(response.packetId()).isBetween(1, 0xffff);
        }
    }

    @Test
    void response_whenNotSubscribed_isDeliveredAtQos0() {
        Connection connection = server.connected(server.enroll(REGISTRATION_ID));

        RawMqttReply response = response(connection.send(register("1", 1, 2, "")));

        assertThat(response.qos()).isEqualTo(MqttQoS.AT_MOST_ONCE);
        assertThat(response.status()).isEqualTo(202);
    }

    @Test
    void response_afterUnsubscribe_isDeliveredAtQos0() {
        Connection connection = subscribed(server.enroll(REGISTRATION_ID), 1);
        connection.send(unsubscribe(2, DpsTopics.SUBSCRIBE_FILTER));

        RawMqttReply response = response(connection.send(register("1", 1, 3, "")));

        assertThat(response.qos()).isEqualTo(MqttQoS.AT_MOST_ONCE);
    }

    @Test
    void response_afterResubscribingAtQos0_isDeliveredAtQos0() {
        Connection connection = subscribed(server.enroll(REGISTRATION_ID), 1);
        connection.send(subscribeResponses(2, 0));

        RawMqttReply response = response(connection.send(register("1", 1, 3, "")));

        assertThat(response.qos()).isEqualTo(MqttQoS.AT_MOST_ONCE);
    }

    @Test
    void successResponses_alwaysCarryOperationIdAndNeverSayUnassigned() {
        server.close();
        server = RawMqttEmbeddedServer.builder().holdRegistrationWrites().start();
        Connection connection = subscribed(server.enroll(REGISTRATION_ID), 1);
        List<RawMqttReply> responses = new ArrayList<>();

        responses.addAll(connection.send(register("1", 1, 1, "")));
        String operationId = responses.get(responses.size() - 1).json().path("operationId").asText();
        responses.addAll(connection.send(poll("2", operationId, 1, 2)));
        server.releaseRegistrationWrites();
        responses.addAll(connection.send(poll("3", operationId, 0, 0)));

        List<RawMqttReply> successes = responses.stream()
                .filter(RawMqttReply::isResponse)
                .filter(r -> r.status() / 100 == 2)
                .toList();
        assertThat(successes).extracting(RawMqttReply::status).containsExactly(202, 202, 200);
        assertThat(successes).allSatisfy(r -> {
            assertThat(r.json().path("operationId").asText()).isEqualTo(operationId);
            assertThat(r.json().path("status").asText()).isIn("assigning", "assigned");
        });
    }

    /** A connected device subscribed to the response topic at {@code qos}. */
    private Connection subscribed(RawMqttDevice device, int qos) {
        return subscribed(device.connect().bytes(), qos);
    }

    private Connection subscribed(byte[] connect, int qos) {
        Connection connection = server.open();
        assertThat(connection.send(connect)).singleElement()
                .satisfies(connAck -> assertThat(connAck.returnCode()).isZero());
        assertThat(connection.send(subscribeResponses(1, qos))).singleElement()
                .satisfies(subAck -> assertThat(subAck.type()).isEqualTo(MqttMessageType.SUBACK));
        return connection;
    }

    /** Registers and returns the operation id of the 202. */
    private static String registered(Connection connection) {
        RawMqttReply accepted = response(connection.send(register("1", 1, 2, "")));
        assertThat(accepted.status()).isEqualTo(202);
        return accepted.json().path("operationId").asText();
    }

    /** The one response PUBLISH among the replies (a PUBACK may precede it). */
    private static RawMqttReply response(List<RawMqttReply> replies) {
        assertThat(replies).filteredOn(RawMqttReply::isResponse).hasSize(1);
        return replies.stream().filter(RawMqttReply::isResponse).findFirst().orElseThrow();
    }

    /** A DPS error body; {@code expected} is the exact error code, or only its status class (e.g. 401 for 401xxx). */
    private static void assertDpsError(JsonNode body, int expected) {
        int errorCode = body.path("errorCode").asInt();
        assertThat(expected < 1000 ? errorCode / 1000 : errorCode).as("errorCode %d", errorCode).isEqualTo(expected);
        assertThat(body.path("trackingId").asText()).isNotEmpty();
        assertThat(body.path("message").asText()).isNotEmpty();
        assertThat(Instant.parse(body.path("timestampUtc").asText())).isBeforeOrEqualTo(Instant.now());
        assertThat(body.has("operationId")).isFalse();
    }
}
