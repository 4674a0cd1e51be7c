package io.dpsemu.loadgen.net;

import io.dpsemu.loadgen.device.Device;
import io.dpsemu.loadgen.flow.FlowHandler;
import io.dpsemu.loadgen.flow.FlowListener;
import io.dpsemu.loadgen.flow.FlowSettings;
import io.dpsemu.loadgen.flow.HttpsFlowHandler;
import io.dpsemu.loadgen.flow.MqttFlowHandler;
import io.dpsemu.loadgen.mqtt.WebSocketMqttCodec;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.concurrent.TimeUnit;

/**
 * Opens device connections: a few event-loop threads drive every flow of the run, one pipeline per
 * connection with the transport's codecs and the flow's handler last.
 */
public final class Connector implements AutoCloseable {

    /**
     * How often a held session pings: well inside the keep-alive it announces, and inside the idle
     * time a server may allow a session that has not registered (dpsemu closes one after
     * {@code limits.connectTimeoutSeconds}, 10 s by default).
     */
    private static final int HOLD_PING_SECONDS = 4;

    /** DPS's own limit for a message (96 KB) plus headers; a larger answer is a protocol error. */
    private static final int MAX_MESSAGE_BYTES = 99_328;
    private static final int MAX_WEBSOCKET_HANDSHAKE_BYTES = 8_192;
    private static final String WEBSOCKET_PATH = "/$iothub/websocket";

    private final ClientTransport transport;
    private final InetSocketAddress address;
    private final String hostHeader;
    private final TlsClient tls;
    private final FlowSettings settings;
    private final EventLoopGroup group;
    private final Bootstrap bootstrap;
    private final WebSocketClientProtocolConfig webSocket;
    private final ChannelGroup heldSessions = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);

    /**
     * @param address the resolved address of {@code host}
     * @param host the name the server's certificate is checked against and the Host header carries
     */
    public Connector(ClientTransport transport, InetAddress address, String host, int port, TlsClient tls,
            FlowSettings settings, int threads) {
        this.transport = transport;
        this.address = new InetSocketAddress(address, port);
        this.hostHeader = (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
        this.tls = tls;
        this.settings = settings;
        boolean epoll = Epoll.isAvailable();
        this.group = new MultiThreadIoEventLoopGroup(threads,
                epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        this.bootstrap = new Bootstrap().group(group)
                .channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS,
                        (int) Math.min(Integer.MAX_VALUE, settings.timeout().toMillis()));
        this.webSocket = WebSocketClientProtocolConfig.newBuilder()
                .webSocketUri(URI.create("wss://" + hostHeader + WEBSOCKET_PATH))
                .subprotocol("mqtt")
                .generateOriginHeader(false)
                .handshakeTimeoutMillis(settings.timeout().toMillis())
                .build();
    }

    /** The event loops, for timers that start flows. */
    public EventLoopGroup eventLoops() {
        return group;
    }

    /** Starts one device's flow; the listener hears how it ends. */
    public void launch(Device device, boolean measured, FlowListener listener) {
        FlowHandler flow = transport == ClientTransport.HTTPS
                ? new HttpsFlowHandler(device, settings, measured, listener, hostHeader)
                : new MqttFlowHandler(device, settings, measured, listener, transport == ClientTransport.MQTTWS);
        flow.start();
        ChannelFuture connect = bootstrap.clone().handler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel channel) {
                pipeline(channel, device, flow);
            }
        }).connect(address);
        connect.addListener((ChannelFuture f) -> {
            if (!f.isSuccess()) {
                flow.connectFailed(f.cause());
            } else if (settings.hold()) {
                heldSessions.add(f.channel());
            }
        });
    }

    /** Closes the sessions of {@code --hold} and waits until they are closed. */
    public void closeHeldSessions() {
        heldSessions.close().awaitUninterruptibly();
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private void pipeline(Channel channel, Device device, FlowHandler flow) {
        ChannelPipeline pipeline = channel.pipeline();
        pipeline.addLast(tls.newHandler(channel.alloc(), device));
        if (transport == ClientTransport.HTTPS) {
            pipeline.addLast(new HttpClientCodec(), new HttpObjectAggregator(MAX_MESSAGE_BYTES));
        } else {
            if (transport == ClientTransport.MQTTWS) {
                pipeline.addLast(new HttpClientCodec(), new HttpObjectAggregator(MAX_WEBSOCKET_HANDSHAKE_BYTES),
                        new WebSocketClientProtocolHandler(webSocket), new WebSocketMqttCodec());
            }
            pipeline.addLast(new MqttDecoder(MAX_MESSAGE_BYTES), MqttEncoder.INSTANCE);
            if (settings.hold()) {
                pipeline.addLast(new IdleStateHandler(0, HOLD_PING_SECONDS, 0));
            }
        }
        pipeline.addLast(flow);
    }
}
