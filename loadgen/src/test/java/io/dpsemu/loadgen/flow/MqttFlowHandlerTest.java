package io.dpsemu.loadgen.flow;

import static org.assertj.core.api.Assertions.assertThat;

import io.dpsemu.loadgen.device.Device;
import io.dpsemu.loadgen.flow.FlowResult.Outcome;
import io.dpsemu.loadgen.mqtt.TopicLayout;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttSubscribeMessage;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MqttFlowHandlerTest {

    private static final String SCOPE = "0ne00000001";
    private static final Device DEVICE = Device.withKey("dev-1", "AAECAwQFBgcICQoLDA0ODw==");
    private static final String ASSIGNING = "{\"operationId\":\"op-1\",\"status\":\"assigning\"}";
    private static final String ASSIGNED = "{\"operationId\":\"op-1\",\"status\":\"assigned\","
            + "\"registrationState\":{\"registrationId\":\"dev-1\",\"assignedHub\":\"h\",\"deviceId\":\"dev-1\","
            + "\"status\":\"assigned\"}}";

    private final RecordingListener listener = new RecordingListener();
    private EmbeddedChannel channel;

    @AfterEach
    void close() {
        channel.finishAndReleaseAll();
    }

    @Test
    void sdkPacing_connectsSubscribesRegistersAndPollsAfterTheRetryAfter() {
        connect(PollPacing.SDK, false);

        MqttConnectMessage connect = channel.readOutbound();
        assertThat(connect.payload().clientIdentifier()).isEqualTo("dev-1");
        assertThat(connect.payload().userName())
                .isEqualTo(SCOPE + "/registrations/dev-1/api-version=2019-03-31&ClientVersion=dpsemu-loadgen");
        assertThat(new String(connect.payload().passwordInBytes(), StandardCharsets.UTF_8))
                .startsWith("SharedAccessSignature sr=" + SCOPE + "%2Fregistrations%2Fdev-1&sig=");
        channel.writeInbound(connAck(MqttConnectReturnCode.CONNECTION_ACCEPTED));
        MqttSubscribeMessage subscribe = channel.readOutbound();
        assertThat(subscribe.payload().topicSubscriptions().get(0).topicFilter()).isEqualTo("$dps/registrations/res/#");
        channel.writeInbound(subAck(MqttQoS.AT_LEAST_ONCE));
        MqttPublishMessage register = channel.readOutbound();
        assertThat(register.variableHeader().topicName()).isEqualTo("$dps/registrations/PUT/iotdps-register/?$rid=2");
        assertThat(register.fixedHeader().qosLevel()).isEqualTo(MqttQoS.AT_LEAST_ONCE);
        assertThat(register.content().toString(StandardCharsets.UTF_8)).isEqualTo("{\"registrationId\":\"dev-1\"}");
        register.release();

        channel.writeInbound(response("$dps/registrations/res/202/?$rid=2&retry-after=3", ASSIGNING));
        assertThat(((MqttMessage) channel.readOutbound()).fixedHeader().messageType())
                .isEqualTo(MqttMessageType.PUBACK);
        channel.advanceTimeBy(2_999, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        assertThat((Object) channel.readOutbound()).isNull();
        channel.advanceTimeBy(1, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        MqttPublishMessage poll = channel.readOutbound();
        assertThat(poll.variableHeader().topicName())
                .isEqualTo("$dps/registrations/GET/iotdps-get-operationstatus/?$rid=3&operationId=op-1");
        poll.release();

        channel.writeInbound(response("$dps/registrations/res/200/?$rid=3", ASSIGNED));

        FlowResult result = listener.onlyResult();
        assertThat(result.outcome()).isEqualTo(Outcome.ASSIGNED);
        assertThat(result.polls()).isEqualTo(1);
        assertThat(result.latency(Latency.REGISTER_TO_ASSIGNED)).isGreaterThanOrEqualTo(0);
        assertThat(listener.errors).isEmpty();
        channel.readOutbound(); // PUBACK of the final answer
        assertThat(((MqttMessage) channel.readOutbound()).fixedHeader().messageType())
                .isEqualTo(MqttMessageType.DISCONNECT);
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void immediatePacing_pollsAsSoonAsTheAssigningAnswerArrives() {
        registered(PollPacing.IMMEDIATE);

        channel.writeInbound(response("$dps/registrations/res/202/?$rid=2&retry-after=3", ASSIGNING));

        channel.readOutbound(); // PUBACK
        MqttPublishMessage poll = channel.readOutbound();
        assertThat(poll.variableHeader().topicName()).endsWith("?$rid=3&operationId=op-1");
        poll.release();
    }

    @Test
    void throttledRegister_isCountedAndSentAgainAfterTheRetryAfter() {
        registered(PollPacing.IMMEDIATE);

        channel.writeInbound(response("$dps/registrations/res/429/?$rid=2&retry-after=1",
                "{\"errorCode\":429001,\"message\":\"slow down\"}"));
        channel.readOutbound(); // PUBACK
        assertThat(listener.errors).containsExactly("http_429: dev-1: slow down");
        assertThat((Object) channel.readOutbound()).isNull();
        channel.advanceTimeBy(1, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();

        MqttPublishMessage again = channel.readOutbound();
        assertThat(again.variableHeader().topicName()).isEqualTo("$dps/registrations/PUT/iotdps-register/?$rid=3");
        again.release();
        assertThat(listener.results).isEmpty();
    }

    @Test
    void unauthorizedRegister_endsTheFlowWithTheServersReason() {
        registered(PollPacing.SDK);

        channel.writeInbound(response("$dps/registrations/res/401/?$rid=2",
                "{\"errorCode\":401002,\"message\":\"signature matches neither key\"}"));

        assertThat(listener.onlyResult().outcome()).isEqualTo(Outcome.FAILED);
        assertThat(listener.errors).containsExactly("http_401: dev-1: signature matches neither key");
    }

    @Test
    void failedOperation_isCountedAsStatusFailed() {
        registered(PollPacing.IMMEDIATE);
        channel.writeInbound(response("$dps/registrations/res/202/?$rid=2", ASSIGNING));

        channel.writeInbound(response("$dps/registrations/res/200/?$rid=3",
                "{\"operationId\":\"op-1\",\"status\":\"failed\","
                + "\"registrationState\":{\"errorCode\":400207,\"errorMessage\":\"webhook said no\"}}"));

        assertThat(listener.errors).containsExactly("status_failed: dev-1: webhook said no");
        assertThat(listener.onlyResult().outcome()).isEqualTo(Outcome.FAILED);
    }

    @Test
    void refusedConnack_isCountedByItsReturnCode() {
        connect(PollPacing.SDK, false);
        channel.readOutbound();

        channel.writeInbound(connAck(MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED));

        assertThat(listener.errors).singleElement().asString().startsWith("connack_refused_5: ");
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void noConnackWithinTheTimeout_isAConnackTimeout() {
        connect(PollPacing.SDK, false);
        channel.readOutbound();

        channel.advanceTimeBy(10, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();

        assertThat(listener.errors).singleElement().asString().startsWith("connack_timeout: ");
        assertThat(listener.onlyResult().outcome()).isEqualTo(Outcome.FAILED);
    }

    @Test
    void serverClosingMidFlow_isConnectionClosed() {
        registered(PollPacing.SDK);

        channel.close();

        assertThat(listener.errors).singleElement().asString().startsWith("connection_closed: ");
    }

    @Test
    void hold_keepsTheSessionOpenAfterSubscribingWithoutRegistering() {
        connect(PollPacing.SDK, true);
        channel.readOutbound();
        channel.writeInbound(connAck(MqttConnectReturnCode.CONNECTION_ACCEPTED));
        channel.readOutbound();

        channel.writeInbound(subAck(MqttQoS.AT_LEAST_ONCE));

        assertThat(listener.onlyResult().outcome()).isEqualTo(Outcome.HELD);
        assertThat((Object) channel.readOutbound()).isNull();
        channel.advanceTimeBy(1, TimeUnit.HOURS);
        channel.runScheduledPendingTasks();
        assertThat(channel.isOpen()).isTrue();
        assertThat(listener.errors).isEmpty();
        channel.close();
        assertThat(listener.heldClosed).isEqualTo(1);
    }

    @Test
    void deviceWithCsr_connectsWithThePreviewApiVersion_andSendsTheCsrNextToTheRegistrationId() {
        connect(DEVICE.withCsr("TUlJQ1NS"), PollPacing.SDK, false);

        MqttConnectMessage connect = channel.readOutbound();
        assertThat(connect.payload().userName()).isEqualTo(SCOPE
                + "/registrations/dev-1/api-version=2025-07-01-preview&ClientVersion=dpsemu-loadgen");
        channel.writeInbound(connAck(MqttConnectReturnCode.CONNECTION_ACCEPTED));
        channel.readOutbound();
        channel.writeInbound(subAck(MqttQoS.AT_LEAST_ONCE));
        MqttPublishMessage register = channel.readOutbound();
        assertThat(register.content().toString(StandardCharsets.UTF_8))
                .isEqualTo("{\"registrationId\":\"dev-1\",\"csr\":\"TUlJQ1NS\"}");
        register.release();
    }

    @Test
    void refusedSubscription_isSubackRefused() {
        connect(PollPacing.SDK, false);
        channel.readOutbound();
        channel.writeInbound(connAck(MqttConnectReturnCode.CONNECTION_ACCEPTED));
        channel.readOutbound();

        channel.writeInbound(subAck(MqttQoS.FAILURE));

        assertThat(listener.errors).singleElement().asString().startsWith("suback_refused: ");
    }

    private void registered(PollPacing pacing) {
        connect(pacing, false);
        channel.readOutbound();
        channel.writeInbound(connAck(MqttConnectReturnCode.CONNECTION_ACCEPTED));
        channel.readOutbound();
        channel.writeInbound(subAck(MqttQoS.AT_LEAST_ONCE));
        ((MqttPublishMessage) channel.readOutbound()).release();
    }

    private void connect(PollPacing pacing, boolean hold) {
        connect(DEVICE, pacing, hold);
    }

    private void connect(Device device, PollPacing pacing, boolean hold) {
        MqttFlowHandler handler = new MqttFlowHandler(device,
                new FlowSettings(SCOPE, pacing, TopicLayout.DPS, hold, Duration.ofSeconds(10)), true, listener, false);
        handler.start();
        channel = new EmbeddedChannel();
        channel.freezeTime();
        channel.pipeline().addLast(handler);
        channel.pipeline().fireChannelActive();
        channel.pipeline().fireUserEventTriggered(SslHandshakeCompletionEvent.SUCCESS);
    }

    private static MqttMessage connAck(MqttConnectReturnCode code) {
        return MqttMessageBuilders.connAck().returnCode(code).sessionPresent(false).build();
    }

    private static MqttMessage subAck(MqttQoS granted) {
        return MqttMessageBuilders.subAck().packetId(1).addGrantedQos(granted).build();
    }

    private static MqttPublishMessage response(String topic, String body) {
        return MqttMessageBuilders.publish().topicName(topic).qos(MqttQoS.AT_LEAST_ONCE).messageId(40)
                .payload(Unpooled.copiedBuffer(body, StandardCharsets.UTF_8)).build();
    }
}
