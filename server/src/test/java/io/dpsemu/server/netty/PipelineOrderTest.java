package io.dpsemu.server.netty;

import io.netty.util.ReferenceCountUtil;
import static org.assertj.core.api.Assertions.assertThat;

import io.dpsemu.server.channel.HandlerNames;
import io.dpsemu.server.http.DeviceApi;
import io.dpsemu.server.mqtt.MqttServices;
import io.dpsemu.server.rawhttp.RawHttpsClient;
import io.dpsemu.server.rawhttp.RawHttpsClient.Response;
import io.dpsemu.server.rawhttp.WebSocketFrames;
import io.dpsemu.server.rawmqtt.RawMqttClient;
import io.dpsemu.server.rawmqtt.RawMqttDevice;
import io.dpsemu.server.rawmqtt.RawMqttEmbeddedServer;
import io.dpsemu.server.tls.LocalCertificateAuthority;
import io.dpsemu.server.tls.SslContexts;
import io.dpsemu.server.tls.TlsFiles;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.ssl.SslContext;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The handlers of both device ports, in order, as the production initializers build them on real
 * sockets, and as they stand after each change a connection makes to its own pipeline: CONNECT
 * accepted (the deadline and the CONNECT handler leave, the keep-alive timer joins after the decoder,
 * so only MQTT packets count as activity) and the WebSocket upgrade on 443 (the HTTP handlers give
 * way to WebSocket framing and the same MQTT tail as on 8883).
 */
@Timeout(30)
class PipelineOrderTest {

    /** Netty's names for the WebSocket codec its handshaker installs in place of the HTTP codec. */
    private static final String NETTY_WS_ENCODER = "wsencoder";
    private static final String NETTY_WS_DECODER = "wsdecoder";
    private static final Duration WAIT = Duration.ofSeconds(5);

    @TempDir
    Path dir;

    private RawMqttEmbeddedServer engine;
    private TlsFiles tls;
    private SslContext sslContext;
    private EventLoopGroup loops;
    private final BlockingQueue<Channel> accepted = new LinkedBlockingQueue<>();

    @BeforeEach
    void start() {
        engine = RawMqttEmbeddedServer.start();
        tls = LocalCertificateAuthority.ensure(dir.resolve("tls"), List.of());
        sslContext = SslContexts.forServer(tls.certificateChain(), tls.privateKey());
        loops = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    }

    @AfterEach
    void stop() {
        loops.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
        engine.close();
        ReferenceCountUtil.release(sslContext);
    }

    @Test
    void mqttPort_beforeAndAfterConnect() throws Exception {
        int port = listen(new MqttChannelInitializer(sslContext, services(), exceptions()));
        RawMqttDevice device = engine.enroll("pipeline-mqtt");

        try (RawMqttClient client = RawMqttClient.connect(port, tls.caCertificate())) {
            Channel connection = accepted();

            assertThat(names(connection)).containsExactly(HandlerNames.TLS, HandlerNames.CONNECT_DEADLINE,
                    HandlerNames.MQTT_FRAME_GUARD, HandlerNames.MQTT_DECODER, HandlerNames.MQTT_ENCODER,
                    HandlerNames.CONNECT, HandlerNames.DPS, HandlerNames.EXCEPTIONS);

            client.send(device.connect().bytes());
            assertThat(client.next(MqttMessageType.CONNACK).returnCode()).isZero();

            assertThat(names(connection)).containsExactly(HandlerNames.TLS, HandlerNames.MQTT_FRAME_GUARD,
                    HandlerNames.MQTT_DECODER, HandlerNames.KEEP_ALIVE, HandlerNames.MQTT_ENCODER, HandlerNames.DPS,
                    HandlerNames.EXCEPTIONS);
        }
    }

    @Test
    void httpsPort_beforeAndAfterTheWebSocketUpgradeAndAfterConnect() throws Exception {
        MqttServices services = services();
        // the service API is never reached here: an upgrade is routed before any API is asked
        int port = listen(new HttpsChannelInitializer(sslContext, services, new DeviceApi(services.registrations()),
                null, exceptions()));
        RawMqttDevice device = engine.enroll("pipeline-ws");

        try (RawHttpsClient client = RawHttpsClient.connect(port, tls.caCertificate())) {
            Channel connection = accepted();

            assertThat(names(connection)).containsExactly(HandlerNames.TLS, HandlerNames.HTTP_DEADLINE,
                    HandlerNames.HTTP_IDLE, HandlerNames.HTTP_CODEC, HandlerNames.HTTP_AGGREGATOR,
                    HandlerNames.UPGRADE_GUARD, HandlerNames.EXCEPTIONS);

            Response upgraded = client.exchange(client.webSocketUpgrade("/$iothub/websocket", WebSocketFrames.newKey())
                    .header("Sec-WebSocket-Protocol", "mqtt"));
            assertThat(upgraded.status()).isEqualTo(101);

            assertThat(names(connection)).containsExactly(HandlerNames.TLS, NETTY_WS_ENCODER, NETTY_WS_DECODER,
                    HandlerNames.WS_MQTT, HandlerNames.CONNECT_DEADLINE, HandlerNames.MQTT_FRAME_GUARD,
                    HandlerNames.MQTT_DECODER, HandlerNames.MQTT_ENCODER, HandlerNames.CONNECT, HandlerNames.DPS,
                    HandlerNames.EXCEPTIONS);

            client.sendFrame(WebSocketFrames.binary(device.connect().bytes()));
            assertThat(client.readFrame().payload()).as("CONNACK accepted").containsExactly(0x20, 0x02, 0x00, 0x00);

            assertThat(names(connection)).containsExactly(HandlerNames.TLS, NETTY_WS_ENCODER, NETTY_WS_DECODER,
                    HandlerNames.WS_MQTT, HandlerNames.MQTT_FRAME_GUARD, HandlerNames.MQTT_DECODER,
                    HandlerNames.KEEP_ALIVE, HandlerNames.MQTT_ENCODER, HandlerNames.DPS, HandlerNames.EXCEPTIONS);
        }
    }

    /** A loopback listener with {@code initializer}; every accepted connection is handed to {@link #accepted()}. */
    private int listen(ChannelInitializer<SocketChannel> initializer) {
        Channel server = new ServerBootstrap()
                .group(loops)
                .channel(NioServerSocketChannel.class)
                .handler(new AcceptedRecorder())
                .childHandler(initializer)
                .bind("127.0.0.1", 0).syncUninterruptibly().channel();
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    private Channel accepted() throws InterruptedException {
        Channel channel = accepted.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(channel).as("an accepted connection").isNotNull();
        return channel;
    }

    /** The handler names of the connection's pipeline, read on its event loop. */
    private static List<String> names(Channel connection) throws Exception {
        return connection.eventLoop().submit(() -> new ArrayList<>(connection.pipeline().toMap().keySet()))
                .get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    private MqttServices services() {
        return engine.services();
    }

    private ExceptionHandler exceptions() {
        return new ExceptionHandler(services().disconnector());
    }

    /** On the listening channel: its reads are the accepted connections. */
    @ChannelHandler.Sharable
    private final class AcceptedRecorder extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            accepted.add((Channel) msg);
            ctx.fireChannelRead(msg);
        }
    }
}
