package io.dpsemu.server.rawmqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.dpsemu.protocol.auth.SasVerifier;
import io.dpsemu.protocol.enrollment.AllocationPolicy;
import io.dpsemu.protocol.enrollment.IndividualEnrollment;
import io.dpsemu.server.allocation.WebhookClient;
import io.dpsemu.server.channel.Disconnector;
import io.dpsemu.server.config.LimitsConfig;
import io.dpsemu.server.config.LinkedHub;
import io.dpsemu.server.config.ProvisioningConfig;
import io.dpsemu.server.config.ServerConfig;
import io.dpsemu.server.config.ThrottlingConfig;
import io.dpsemu.server.faults.FaultRules;
import io.dpsemu.server.metrics.CloseReason;
import io.dpsemu.server.metrics.DpsMetrics;
import io.dpsemu.server.mqtt.MqttServices;
import io.dpsemu.server.mqtt.SessionRegistry;
import io.dpsemu.server.netty.ExceptionHandler;
import io.dpsemu.server.netty.MqttHandlers;
import io.dpsemu.server.provisioning.DeviceAuthenticator;
import io.dpsemu.server.provisioning.HubAllocator;
import io.dpsemu.server.provisioning.RegistrationService;
import io.dpsemu.server.provisioning.RequestGate;
import io.dpsemu.server.provisioning.StoreExecutor;
import io.dpsemu.server.provisioning.TestStoreThreads;
import io.dpsemu.server.throttling.Quotas;
import io.dpsemu.server.issuance.TestIssuers;
import io.dpsemu.store.Store;
import io.dpsemu.store.memory.InMemoryStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The real MQTT pipeline ({@link MqttHandlers#addTo}) on {@link EmbeddedChannel}s, over a real
 * {@link RegistrationService} and an in-memory store, with the embedded clock frozen.
 *
 * <p>Store work runs on one store thread, which schedules its answers onto the embedded event loop.
 * {@code EmbeddedEventLoop} is not thread-safe, so the harness keeps the two threads apart: the store
 * thread is paused while the test thread feeds bytes, then the test thread waits (without touching
 * the channel) until the store thread is idle, or parked in a held registration write, before it
 * runs the channel's pending tasks.
 */
public final class RawMqttEmbeddedServer implements AutoCloseable {

    public static final String ID_SCOPE = "0ne00EMBED1";
    public static final String HUB = "embedded-hub.local";
    public static final int RETRY_AFTER_SECONDS = 3;
    public static final int CONNECT_TIMEOUT_SECONDS = 10;
    public static final int MAX_CONNECT_PACKET_BYTES = 8 * 1024;
    public static final int MAX_PACKET_BYTES = 97 * 1024;
    public static final int MAX_KEEP_ALIVE_SECONDS = 1800;

    private static final Duration STORE_WAIT = Duration.ofSeconds(5);

    private final DpsMetrics metrics = new DpsMetrics(new SimpleMeterRegistry());
    private final TestStoreThreads storeThreads = new TestStoreThreads(metrics, 1, 64);
    private final StoreExecutor storeExecutor = storeThreads.executor();
    private final RegistrationService registrations;
    private final Store store;
    private final RegistrationWriteHold hold;
    private final MqttServices services;
    private final List<Connection> connections = new ArrayList<>();

    private RawMqttEmbeddedServer(Builder options) {
        Store memory = new InMemoryStore();
        this.hold = options.holdRegistrationWrites ? new RegistrationWriteHold() : null;
        this.store = hold == null ? memory : hold.wrap(memory);
        ProvisioningConfig provisioning = ProvisioningConfig.builder()
                .retryAfterSeconds(RETRY_AFTER_SECONDS)
                .minResponseDelayMillis(options.minResponseDelayMillis)
                .strictCleanSession(options.strictCleanSession)
                .maxAuthFailuresPerConnection(options.maxAuthFailures)
                // the channel is driven by hand: a poll is answered at once, never after a wait
                .pollWaitMillis(0)
                .build();
        LimitsConfig limits = LimitsConfig.builder()
                .maxConnections(100)
                .connectTimeoutSeconds(CONNECT_TIMEOUT_SECONDS)
                .maxConnectPacketBytes(MAX_CONNECT_PACKET_BYTES)
                .maxPacketBytes(MAX_PACKET_BYTES)
                .maxKeepAliveSeconds(MAX_KEEP_ALIVE_SECONDS)
                .storeThreads(1)
                .storeQueue(64)
                .maxOperations(1000)
                .build();
        Clock clock = Clock.systemUTC();
        this.registrations = storeThreads.engine()
                .store(store)
                .authenticator(new DeviceAuthenticator(store, new SasVerifier(Duration.ofSeconds(300), clock), ID_SCOPE,
                        clock))
                .allocator(new HubAllocator(List.of(LinkedHub.of(HUB)), AllocationPolicy.HASHED))
                .webhooks(new WebhookClient(ServerConfig.defaults().allocation()))
                .gate(new RequestGate(new Quotas(new ThrottlingConfig(0, 0, 0), metrics),
                        new FaultRules(List.of(), metrics)))
                .credentialPolicies(TestIssuers.localOnly())
                .provisioning(provisioning)
                .limits(limits)
                .metrics(metrics)
                .build();
        this.services = new MqttServices(registrations, new SessionRegistry(), new Disconnector(metrics), metrics,
                provisioning, limits);
    }

    public static RawMqttEmbeddedServer start() {
        return builder().start();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Enrolls a symmetric-key device under a fresh random key. */
    public RawMqttDevice enroll(String registrationId) {
        String key = RawMqttDevice.newKey();
        store.putEnrollment(IndividualEnrollment.symmetricKey(registrationId, key, RawMqttDevice.newKey()), null);
        return new RawMqttDevice(ID_SCOPE, registrationId, key);
    }

    /** A new connection with the server's MQTT pipeline, after accept (and TLS). */
    public Connection open() {
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.freezeTime();
        MqttHandlers.addTo(channel.pipeline(), services, new ExceptionHandler(services.disconnector()));
        Connection connection = new Connection(channel);
        connections.add(connection);
        return connection;
    }

    /** A connection whose CONNECT as {@code device} was accepted. */
    public Connection connected(RawMqttDevice device) {
        Connection connection = open();
        assertThat(connection.send(device.connect().bytes()))
                .singleElement()
                .satisfies(connAck -> assertThat(connAck.returnCode()).as("CONNACK return code").isZero());
        return connection;
    }

    public MqttServices services() {
        return services;
    }

    public Store store() {
        return store;
    }

    /** How many connections the server closed for this reason. */
    public double closedCount(CloseReason reason) {
        Counter counter = metrics.registry().find("dps.connections.closed").tag("reason", reason.tag()).counter();
        return counter == null ? 0 : counter.count();
    }

    /**
     * Runs {@code action} (feeding connections, closing them) while the store thread is paused, so
     * that the store answers nothing the action feeds until it is done: a race between connections,
     * played in a chosen order. Then each connection's {@link Connection#runTasks()} collects its answers.
     */
    public void whileStorePaused(Runnable action) {
        CountDownLatch resume = pauseStore();
        try {
            action.run();
        } finally {
            resume.countDown();
        }
    }

    /** Lets held registration writes complete and waits until the store thread is idle. */
    public void releaseRegistrationWrites() {
        hold.release();
        awaitStoreQuiet();
    }

    @Override
    public void close() {
        if (hold != null) {
            hold.release();
        }
        connections.forEach(Connection::close);
        storeExecutor.close();
        registrations.close();
        storeThreads.close();
        assertThat(closedCount(CloseReason.INTERNAL)).as("connections closed for an internal error").isZero();
    }

    private CountDownLatch pauseStore() {
        CountDownLatch resume = new CountDownLatch(1);
        storeExecutor.execute(() -> awaitLatch(resume));
        return resume;
    }

    /** The store threads are idle and every registration record is written (or held). */
    private void awaitStoreQuiet() {
        CountDownLatch idle = new CountDownLatch(1);
        storeExecutor.execute(idle::countDown);
        await().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1)).atMost(STORE_WAIT)
                .until(() -> hold != null && hold.holding() || idle.getCount() == 0 && assigning() == 0);
    }

    private double assigning() {
        return metrics.registry().get("dps.operations.assigning").gauge().value();
    }

    private static void awaitLatch(CountDownLatch latch) {
        try {
            if (!latch.await(STORE_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("store thread was paused for too long");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * 2xx DPS responses always carry {@code operationId} and never say {@code unassigned}
     * (docs/protocol-notes.md#result-bodies).
     */
    private static void checkDpsInvariants(RawMqttReply reply) {
        if (reply.isResponse() && reply.status() / 100 == 2) {
            JsonNode body = reply.json();
            assertThat(body.path("operationId").asText()).as("operationId of %s", reply).isNotEmpty();
            assertThat(body.path("status").asText()).as("status of %s", reply)
                    .isNotEmpty()
                    .isNotEqualTo("unassigned");
        }
    }

    public static final class Builder {

        private int minResponseDelayMillis;
        private boolean strictCleanSession;
        private int maxAuthFailures = 3;
        private boolean holdRegistrationWrites;

        public Builder minResponseDelayMillis(int millis) {
            this.minResponseDelayMillis = millis;
            return this;
        }

        public Builder strictCleanSession() {
            this.strictCleanSession = true;
            return this;
        }

        public Builder maxAuthFailures(int failures) {
            this.maxAuthFailures = failures;
            return this;
        }

        /** Registration records wait for {@link #releaseRegistrationWrites()}: operations stay assigning. */
        public Builder holdRegistrationWrites() {
            this.holdRegistrationWrites = true;
            return this;
        }

        public RawMqttEmbeddedServer start() {
            return new RawMqttEmbeddedServer(this);
        }
    }

    /** One device connection: bytes in, decoded server packets out. */
    public final class Connection {

        private final EmbeddedChannel channel;
        private final RawMqttReply.Decoder decoder = new RawMqttReply.Decoder();

        private Connection(EmbeddedChannel channel) {
            this.channel = channel;
        }

        public EmbeddedChannel channel() {
            return channel;
        }

        public boolean isOpen() {
            return channel.isOpen();
        }

        /** Feeds each array as one inbound buffer, lets the store answer, and returns what the server sent. */
        public List<RawMqttReply> send(byte[]... chunks) {
            whileStorePaused(() -> feed(chunks));
            return runTasks();
        }

        /** Feeds each array as one inbound buffer, without waiting for the store; see {@link #whileStorePaused}. */
        public void feed(byte[]... chunks) {
            for (byte[] chunk : chunks) {
                channel.writeInbound(Unpooled.wrappedBuffer(chunk));
            }
        }

        /** Moves the frozen embedded clock forward and returns what the server sent meanwhile. */
        public List<RawMqttReply> advanceTimeBy(Duration duration) {
            channel.advanceTimeBy(duration.toNanos(), TimeUnit.NANOSECONDS);
            return runTasks();
        }

        /** Waits for the store, then runs the channel's due tasks; returns what the server sent. */
        public List<RawMqttReply> runTasks() {
            awaitStoreQuiet();
            channel.runPendingTasks();
            List<RawMqttReply> replies = new ArrayList<>();
            for (Object out; (out = channel.readOutbound()) != null; ) {
                replies.addAll(decoder.feed((ByteBuf) out));
            }
            replies.forEach(RawMqttEmbeddedServer::checkDpsInvariants);
            return replies;
        }

        /**
         * Nanoseconds until the channel's next scheduled task is due, or -1 when none is scheduled. Call
         * after {@link #runTasks()}, which has already run every task that is due.
         */
        public long nextScheduledTaskNanos() {
            return channel.runScheduledPendingTasks();
        }

        private void close() {
            channel.finishAndReleaseAll();
            decoder.close();
        }
    }

    /** A store whose registration writes wait for {@link #release()}. */
    private static final class RegistrationWriteHold {

        private final CountDownLatch released = new CountDownLatch(1);
        private volatile boolean holding;

        Store wrap(Store target) {
            return (Store) Proxy.newProxyInstance(Store.class.getClassLoader(), new Class<?>[] {Store.class},
                    (proxy, method, args) -> {
                        if (method.getName().equals("write")) {
                            holding = true;
                            awaitLatch(released);
                            holding = false;
                        }
                        try {
                            return method.invoke(target, args);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                    });
        }

        /** Parked in a registration write: it will not touch any channel until released. */
        boolean holding() {
            return holding && released.getCount() > 0;
        }

        void release() {
            released.countDown();
        }
    }
}
