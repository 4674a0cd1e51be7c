package io.dpsemu.loadgen;

import io.dpsemu.loadgen.mqtt.MqttPackets;
import io.dpsemu.loadgen.net.TlsClient;
import io.dpsemu.loadgen.responder.DpsAnswers;
import io.dpsemu.loadgen.responder.ResponderHandler;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.timeout.IdleStateHandler;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/**
 * {@code dpsemu loadgen responder}: makes a plain MQTT broker (mosquitto) answer the DPS request
 * topics as DPS would, so {@code dpsemu loadgen --broker} can run the same exchange against it as
 * against dpsemu: a baseline for what MQTT and TLS alone cost.
 */
@Command(name = "responder", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Answer the DPS request topics on a plain MQTT broker like DPS would (register: 202 assigning;"
                + " poll: 200 assigned), for `dpsemu loadgen --broker` runs against that broker.",
            "Runs until interrupted or the broker closes the connection."})
public final class ResponderCommand implements Callable<Integer> {

    @Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--host", paramLabel = "NAME", description = "broker host name (default localhost)")
    private String host = "localhost";

    @Option(names = "--port", paramLabel = "PORT", description = "broker MQTT over TLS port (default 8883)")
    private int port = 8883;

    @Option(names = "--ca", paramLabel = "FILE", description = "PEM certificates to trust (default: the JVM's)")
    private Path caFile;

    @Option(names = "--allow-remote", description = "allow a broker that is not on this machine")
    private boolean allowRemote;

    @Option(names = "--retry-after", paramLabel = "SECONDS",
            description = "retry-after of the 202 answers (default 3, as DPS)")
    private int retryAfterSeconds = 3;

    @Option(names = "--hub", paramLabel = "HOST", description = "assignedHub of the answers (default dpsemu-hub.local)")
    private String hub = "dpsemu-hub.local";

    @Override
    public Integer call() throws InterruptedException {
        InetAddress address;
        TlsClient tls;
        try {
            if (retryAfterSeconds < 0) {
                throw new IllegalArgumentException("--retry-after must not be negative");
            }
            address = TargetGuard.resolve(host, allowRemote);
            tls = new TlsClient(caFile, "TLSv1.2", false, false, host, port);
        } catch (IllegalArgumentException | UncheckedIOException e) {
            spec.commandLine().getErr().println("dpsemu loadgen responder: " + e.getMessage());
            return LoadgenCommand.USAGE_ERROR;
        }
        PrintWriter out = spec.commandLine().getOut();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            ResponderHandler responder = new ResponderHandler(new DpsAnswers(hub, retryAfterSeconds), out);
            ChannelFuture connect = new Bootstrap().group(group).channel(NioSocketChannel.class)
                    .option(ChannelOption.TCP_NODELAY, true)
                    .handler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            ch.pipeline().addLast(tls.newHandler(ch.alloc(), null), new MqttDecoder(),
                                    MqttEncoder.INSTANCE, new IdleStateHandler(0, MqttPackets.KEEP_ALIVE_SECONDS, 0),
                                    responder);
                        }
                    })
                    .connect(new InetSocketAddress(address, port)).await();
            if (!connect.isSuccess()) {
                spec.commandLine().getErr().println("responder: cannot connect to " + host + ":" + port + ": "
                        + connect.cause().getMessage());
                return 1;
            }
            connect.channel().closeFuture().await();
            out.println("responder: the connection to the broker closed");
            out.flush();
            return 1;
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }
}
