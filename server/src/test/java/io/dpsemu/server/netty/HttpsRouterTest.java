package io.dpsemu.server.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.dpsemu.protocol.auth.SasVerifier;
import io.dpsemu.protocol.enrollment.AllocationPolicy;
import io.dpsemu.server.channel.Disconnector;
import io.dpsemu.server.channel.HandlerNames;
import io.dpsemu.server.config.LinkedHub;
import io.dpsemu.server.config.ServiceApiConfig;
import io.dpsemu.server.config.ThrottlingConfig;
import io.dpsemu.server.enrollment.EnrollmentRules;
import io.dpsemu.server.faults.FaultRules;
import io.dpsemu.server.http.DeviceApi;
import io.dpsemu.server.metrics.DpsMetrics;
import io.dpsemu.server.mqtt.MqttServices;
import io.dpsemu.server.provisioning.TestStoreThreads;
import io.dpsemu.server.rawhttp.RawHttpsClient;
import io.dpsemu.server.rawhttp.WebSocketFrames;
import io.dpsemu.server.rawmqtt.RawMqttEmbeddedServer;
import io.dpsemu.server.service.LinkedHubsResource;
import io.dpsemu.server.service.ServiceApi;
import io.dpsemu.server.service.ServiceAuthenticator;
import io.dpsemu.server.service.ServicePolicies;
import io.dpsemu.server.throttling.Quotas;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTP part of port 443's pipeline (without TLS) on an {@link EmbeddedChannel} with a frozen
 * clock: routing, refusals of broken requests, pipelining order, the request deadline, the idle
 * close, and the switch to MQTT over WebSocket. Only requests answered without the store are used,
 * so nothing runs off the embedded event loop.
 */
class HttpsRouterTest {

    private static final long CONNECT_TIMEOUT_MILLIS = 3000;
    private static final long DEADLINE_MILLIS = 2000;
    private static final int MAX_HEADER_BYTES = 1024;
    private static final int MAX_BODY_BYTES = 2048;
    private static final String SCOPE = RawMqttEmbeddedServer.ID_SCOPE;

    private RawMqttEmbeddedServer server;
    private EmbeddedChannel channel;
    private final EmbeddedChannel responses = new EmbeddedChannel(new HttpResponseDecoder(),
            new HttpObjectAggregator(1024 * 1024));

    @TempDir
    Path dataDir;

    private final DpsMetrics metrics = new DpsMetrics(new SimpleMeterRegistry());
    private final TestStoreThreads serviceThreads = new TestStoreThreads(metrics, 1, 16);

    @AfterEach
    void stopServiceThreads() {
        serviceThreads.close();
    }

    /** The service API beside the device API, so that routing between them is what production runs. */
    private ServiceApi serviceApi() {
        ServiceApiConfig config = new ServiceApiConfig("localhost", List.of(), List.of(), 10, 100,
                ServiceApiConfig.DEFAULT_MAX_TOKEN_LIFETIME_SECONDS);
        return new ServiceApi(server.store(), serviceThreads.executor(), serviceThreads.health(),
                new ServiceAuthenticator(ServicePolicies.load(dataDir, config),
                        new SasVerifier(Duration.ZERO, Clock.systemUTC()), config),
                new EnrollmentRules(List.of(LinkedHub.of("dpsemu-hub.local")), Set.of("local")), config,
                new Quotas(new ThrottlingConfig(0, 0, 0), metrics), new FaultRules(List.of(), metrics),
                new LinkedHubsResource(List.of(LinkedHub.of("dpsemu-hub.local")), AllocationPolicy.HASHED));
    }

    @BeforeEach
    void openConnection() {
        server = RawMqttEmbeddedServer.start();
        MqttServices services = server.services();
        Disconnector disconnector = services.disconnector();
        ExceptionHandler exceptions = new ExceptionHandler(disconnector);
        HttpRequestDeadline deadline = new HttpRequestDeadline(CONNECT_TIMEOUT_MILLIS, DEADLINE_MILLIS, disconnector);
        channel = new EmbeddedChannel();
        channel.freezeTime();
        channel.pipeline()
                .addLast(HandlerNames.HTTP_DEADLINE, deadline)
                .addLast(HandlerNames.HTTP_IDLE, new IdleStateHandler(0, 0, 120, TimeUnit.SECONDS))
                .addLast(HandlerNames.HTTP_CODEC, new HttpServerCodec(4096, MAX_HEADER_BYTES, 8192))
                .addLast(HandlerNames.HTTP_AGGREGATOR, new LimitedHttpAggregator(MAX_BODY_BYTES))
                .addLast(HandlerNames.UPGRADE_GUARD, new HttpsRouter(new DeviceApi(services.registrations()),
                        serviceApi(), new WebSocketUpgrade(services, exceptions), deadline, disconnector))
                .addLast(HandlerNames.EXCEPTIONS, exceptions);
    }

    @AfterEach
    void close() {
        channel.finishAndReleaseAll();
        responses.finishAndReleaseAll();
        server.close();
    }

    @Test
    void request_whenPathUnknown_then404JsonAndConnectionKept() {
        send("GET /nothing/here HTTP/1.1\r\nHost: h\r\n\r\n");

        List<Answer> answers = responses();
        assertThat(answers).hasSize(1);
        assertThat(answers.get(0).code()).isEqualTo(404);
        assertThat(answers.get(0).headers().get("x-ms-error-code")).isEqualTo("404001");
        assertThat(answers.get(0).headers().get("Connection")).isEqualToIgnoringCase("keep-alive");
        assertThat(answers.get(0).body()).contains("/nothing/here");
        assertThat(channel.isOpen()).isTrue();
    }

    @Test
    void request_whenHeaderBlockOverTheLimit_then431AndClosed() {
        send("GET /x HTTP/1.1\r\nHost: h\r\nX-Padding: " + "a".repeat(MAX_HEADER_BYTES) + "\r\n\r\n");

        List<Answer> answers = responses();
        assertThat(answers).hasSize(1);
        assertThat(answers.get(0).code()).isEqualTo(431);
        assertThat(answers.get(0).headers().get("x-ms-error-code")).isEqualTo("431001");
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void request_whenBodyOverTheLimit_then413AndClosed() {
        send("PUT /" + SCOPE + "/registrations/r/register?api-version=2019-03-31 HTTP/1.1\r\nHost: h\r\n"
                + "Content-Type: application/json\r\nContent-Length: " + (MAX_BODY_BYTES + 1) + "\r\n\r\n{");

        List<Answer> answers = responses();
        assertThat(answers).hasSize(1);
        assertThat(answers.get(0).code()).isEqualTo(413);
        assertThat(answers.get(0).headers().get("x-ms-error-code")).isEqualTo("413001");
        assertThat(answers.get(0).body()).contains("errorCode");
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void request_whenApiVersionMissing_then400AndConnectionKept() {
        send("PUT /" + SCOPE + "/registrations/r/register HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n");

        List<Answer> answers = responses();
        assertThat(answers).hasSize(1);
        assertThat(answers.get(0).code()).isEqualTo(400);
        assertThat(channel.isOpen()).isTrue();
    }

    @Test
    void pipelining_whenTheFirstAnswerIsDeferred_thenAnswersLeaveInRequestOrder() {
        // the 405 comes back through the API's future (answered on a later event-loop task); the 404 at once
        send("GET /" + SCOPE + "/registrations/r/register?api-version=2019-03-31 HTTP/1.1\r\nHost: h\r\n\r\n"
                + "GET /nothing HTTP/1.1\r\nHost: h\r\n\r\n");

        List<Answer> answers = responses();
        assertThat(answers).extracting(Answer::code).containsExactly(405, 404);
        assertThat(answers.get(0).headers().get("Allow")).isEqualTo("PUT");
        assertThat(channel.isOpen()).isTrue();
        assertThat(channel.config().isAutoRead()).as("reading resumed").isTrue();
    }

    @Test
    void pipelining_whenTheFirstRequestAsksToClose_thenTheSecondIsNotAnswered() {
        send("GET /" + SCOPE + "/registrations/r/register?api-version=2019-03-31 HTTP/1.1\r\nHost: h\r\n"
                + "Connection: close\r\n\r\n"
                + "GET /nothing HTTP/1.1\r\nHost: h\r\n\r\n");

        List<Answer> answers = responses();
        assertThat(answers).extracting(Answer::code).containsExactly(405);
        assertThat(answers.get(0).headers().get("Connection")).isEqualToIgnoringCase("close");
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void deadline_whenRequestIncompleteAtTheDeadline_thenClosedWithoutAnswer() {
        send("PUT /" + SCOPE + "/registrations/r/register?api-version=2019-03-31 HTTP/1.1\r\nHost: h\r\n");
        channel.advanceTimeBy(DEADLINE_MILLIS - 1, TimeUnit.MILLISECONDS);
        channel.runPendingTasks();
        assertThat(channel.isOpen()).as("open just before the deadline").isTrue();

        send("X-Slow: 1\r\n");
        channel.advanceTimeBy(1, TimeUnit.MILLISECONDS);
        channel.runPendingTasks();

        assertThat(channel.isOpen()).as("closed at the deadline of the first byte, however slowly it trickles")
                .isFalse();
        assertThat(responses()).isEmpty();
    }

    @Test
    void silentConnection_whenNoRequestStartsWithinTheConnectTimeout_thenClosed() {
        channel.advanceTimeBy(CONNECT_TIMEOUT_MILLIS - 1, TimeUnit.MILLISECONDS);
        channel.runPendingTasks();
        assertThat(channel.isOpen()).as("open just before the connect timeout").isTrue();

        channel.advanceTimeBy(1, TimeUnit.MILLISECONDS);
        channel.runPendingTasks();

        assertThat(channel.isOpen()).as("closed at the connect timeout, long before the idle timeout").isFalse();
        assertThat(responses()).isEmpty();
    }

    @Test
    void firstRequest_whenStartedInTime_thenTheConnectTimeoutNoLongerApplies() {
        channel.advanceTimeBy(CONNECT_TIMEOUT_MILLIS - 1, TimeUnit.MILLISECONDS);
        send("GET /nothing HTTP/1.1\r\nHost: h\r\n\r\n");

        channel.advanceTimeBy(CONNECT_TIMEOUT_MILLIS * 5, TimeUnit.MILLISECONDS);
        channel.runPendingTasks();

        assertThat(responses()).extracting(Answer::code).containsExactly(404);
        assertThat(channel.isOpen()).isTrue();
    }

    @Test
    void deadline_whenEachRequestCompletesInTime_thenIdleTimeBetweenThemIsNotCounted() {
        send("GET /nothing HTTP/1.1\r\nHost: h\r\n\r\n");
        channel.advanceTimeBy(DEADLINE_MILLIS * 5, TimeUnit.MILLISECONDS);
        channel.runPendingTasks();
        assertThat(channel.isOpen()).isTrue();

        send("GET /nothing/again HTTP/1.1\r\nHost: h\r\n\r\n");

        assertThat(responses()).extracting(Answer::code).containsExactly(404, 404);
        assertThat(channel.isOpen()).isTrue();
    }

    @Test
    void idle_whenNoRequestInProgress_thenClosed() {
        send("GET /nothing HTTP/1.1\r\nHost: h\r\n\r\n");

        channel.pipeline().fireUserEventTriggered(IdleStateEvent.ALL_IDLE_STATE_EVENT);

        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void upgrade_whenValid_then101EchoingClientSpellingAndPipelineSwitchedToMqtt() {
        String key = WebSocketFrames.newKey();

        send(upgrade("/$iothub/websocket?iothub-no-client-cert=true", key, "MQTT"));

        List<Answer> answers = responses();
        assertThat(answers).hasSize(1);
        Answer switched = answers.get(0);
        assertThat(switched.code()).isEqualTo(101);
        assertThat(switched.headers().get("Sec-WebSocket-Accept")).isEqualTo(WebSocketFrames.expectedAccept(key));
        assertThat(switched.headers().get("Sec-WebSocket-Protocol")).isEqualTo("MQTT");
        assertThat(switched.headers().get("Sec-WebSocket-Extensions")).isNull();
        assertThat(channel.pipeline().names())
                .doesNotContain(HandlerNames.HTTP_DEADLINE, HandlerNames.HTTP_IDLE, HandlerNames.UPGRADE_GUARD,
                        HandlerNames.HTTP_CODEC, HandlerNames.HTTP_AGGREGATOR)
                .contains(HandlerNames.WS_MQTT, HandlerNames.CONNECT_DEADLINE, HandlerNames.MQTT_FRAME_GUARD,
                        HandlerNames.MQTT_DECODER, HandlerNames.CONNECT, HandlerNames.DPS, HandlerNames.EXCEPTIONS);
        assertThat(channel.isOpen()).isTrue();
    }

    @Test
    void upgrade_whenKeyMissing_then400AndClosedWithThePipelineUntouched() {
        send("GET /mqtt HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: mqtt\r\n\r\n");

        List<Answer> answers = responses();
        assertThat(answers).hasSize(1);
        assertThat(answers.get(0).code()).isEqualTo(400);
        assertThat(answers.get(0).body()).contains("key");
        assertThat(channel.isOpen()).isFalse();
        assertThat(channel.pipeline().names()).doesNotContain(HandlerNames.WS_MQTT);
    }

    @Test
    void upgrade_whenVersion8_then426NamingVersion13AndClosed() {
        send("GET /mqtt HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + WebSocketFrames.newKey() + "\r\nSec-WebSocket-Version: 8\r\n"
                + "Sec-WebSocket-Protocol: mqtt\r\n\r\n");

        List<Answer> answers = responses();
        assertThat(answers).hasSize(1);
        assertThat(answers.get(0).code()).isEqualTo(426);
        assertThat(answers.get(0).headers().get("Sec-WebSocket-Version")).isEqualTo("13");
        assertThat(channel.isOpen()).isFalse();
    }

    private void send(String text) {
        channel.writeInbound(Unpooled.copiedBuffer(text, StandardCharsets.UTF_8));
        channel.runPendingTasks();
    }

    private static String upgrade(String target, String key, String subprotocol) {
        return new String(RawHttpsClient.request("GET", target)
                .header("Host", "localhost")
                .header("Upgrade", "websocket")
                .header("Connection", "Upgrade")
                .header("Sec-WebSocket-Key", key)
                .header("Sec-WebSocket-Version", "13")
                .header("Sec-WebSocket-Protocol", subprotocol)
                .bytes(), StandardCharsets.UTF_8);
    }

    /** Every HTTP response the server wrote so far, decoded; bytes after a 101 are not HTTP and stay unread. */
    private List<Answer> responses() {
        for (Object out; (out = channel.readOutbound()) != null; ) {
            if (out instanceof ByteBuf bytes) {
                responses.writeInbound(bytes);
            } else {
                ReferenceCountUtil.release(out);
            }
        }
        List<Answer> decoded = new ArrayList<>();
        for (Object in; (in = responses.readInbound()) != null; ) {
            FullHttpResponse response = (FullHttpResponse) in;
            try {
                decoded.add(new Answer(response.status().code(), response.headers().copy(),
                        response.content().toString(StandardCharsets.UTF_8)));
            } finally {
                response.release();
            }
        }
        return decoded;
    }

    /** A response copied out of its buffers. */
    private record Answer(int code, HttpHeaders headers, String body) {
    }
}
