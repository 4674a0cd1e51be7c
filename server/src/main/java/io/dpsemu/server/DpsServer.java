package io.dpsemu.server;

import io.dpsemu.protocol.auth.SasVerifier;
import io.dpsemu.server.allocation.WebhookClient;
import io.dpsemu.server.channel.Disconnector;
import io.dpsemu.server.config.ConfigException;
import io.dpsemu.server.config.OperationsConfig;
import io.dpsemu.server.config.ServerConfig;
import io.dpsemu.server.enrollment.EnrollmentRules;
import io.dpsemu.server.faults.FaultRules;
import io.dpsemu.server.http.DeviceApi;
import io.dpsemu.server.issuance.CredentialPolicies;
import io.dpsemu.server.metrics.DpsMetrics;
import io.dpsemu.server.metrics.EventLog;
import io.dpsemu.server.metrics.ProcessMeters;
import io.dpsemu.server.metrics.RateLimitedLog;
import io.dpsemu.server.metrics.StoreHealth;
import io.dpsemu.server.mqtt.MqttServices;
import io.dpsemu.server.mqtt.SessionRegistry;
import io.dpsemu.server.netty.AcceptErrorHandler;
import io.dpsemu.server.netty.ConnectionCap;
import io.dpsemu.server.netty.ConnectionLimiter;
import io.dpsemu.server.netty.ExceptionHandler;
import io.dpsemu.server.channel.HandlerNames;
import io.dpsemu.server.netty.HttpsChannelInitializer;
import io.dpsemu.server.netty.MqttChannelInitializer;
import io.dpsemu.server.netty.OperationsChannelInitializer;
import io.dpsemu.server.netty.OperationsHandler;
import io.dpsemu.server.provisioning.DeviceAuthenticator;
import io.dpsemu.server.provisioning.EngineTimer;
import io.dpsemu.server.provisioning.HubAllocator;
import io.dpsemu.server.provisioning.RegistrationService;
import io.dpsemu.server.provisioning.RequestGate;
import io.dpsemu.server.provisioning.StoreExecutor;
import io.dpsemu.server.provisioning.StoreWatchdog;
import io.dpsemu.server.service.LinkedHubsResource;
import io.dpsemu.server.service.ServiceApi;
import io.dpsemu.server.service.ServiceAuthenticator;
import io.dpsemu.server.service.ServicePolicies;
import io.dpsemu.server.throttling.Quotas;
import io.dpsemu.server.tls.KeyMaterial;
import io.dpsemu.server.tls.LocalCertificateAuthority;
import io.dpsemu.server.tls.SslContexts;
import io.dpsemu.server.tls.TlsFiles;
import io.dpsemu.store.Store;
import io.dpsemu.store.memory.InMemoryStore;
import io.dpsemu.store.postgres.PostgresStore;
import io.dpsemu.store.sqlite.SqliteStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root: builds the store, the TLS material, the provisioning engine and the
 * endpoints by hand, and owns their lifecycle. Embeddable: tests start one on port 0.
 */
public final class DpsServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DpsServer.class);
    private static final long SWEEP_SECONDS = 30;
    /** Binding below this port takes privilege on Linux (net.ipv4.ip_unprivileged_port_start). */
    private static final int PRIVILEGED_PORTS_END = 1024;
    /** How often a flood's refusals and accept failures are summarized in the log. */
    private static final Duration FLOOD_LOG_INTERVAL = Duration.ofSeconds(10);

    private final ServerConfig config;
    private final Store store;
    private final TlsFiles tlsFiles;
    private final OpenedResources opened;
    private final Endpoints endpoints;
    private final DpsMetrics metrics;
    private final FaultRules faultRules;
    private final Quotas quotas;
    private final CredentialPolicies credentialPolicies;

    private DpsServer(ServerConfig config, Store store, TlsFiles tlsFiles, OpenedResources opened, Endpoints endpoints,
            DpsMetrics metrics, FaultRules faultRules, Quotas quotas, CredentialPolicies credentialPolicies) {
        this.config = config;
        this.store = store;
        this.tlsFiles = tlsFiles;
        this.opened = opened;
        this.endpoints = endpoints;
        this.metrics = metrics;
        this.faultRules = faultRules;
        this.quotas = quotas;
        this.credentialPolicies = credentialPolicies;
    }

    /** The listening channels; the operations channel is null when that port is off. */
    private record Endpoints(Channel mqtt, Channel https, Channel operations, boolean epoll) {
    }

    /** Starts a server; configuration problems throw {@link ConfigException} before anything listens. */
    public static DpsServer start(ServerConfig requested) {
        return start(requested, Clock.systemUTC());
    }

    /**
     * Starts a server whose SAS expiry checks use the given clock: tests use it to play a device
     * whose clock is behind the server's.
     */
    public static DpsServer start(ServerConfig requested, Clock clock) {
        Path dataDir = requested.dataPath();
        WritableDirectory.prepare(dataDir, "the data directory", "--data-dir or DPSEMU_DATA_DIR (key dataDir)");
        NativeLibraries.directory().ifPresent(dir -> WritableDirectory.prepare(dir,
                "the directory native libraries are unpacked to", NativeLibraries.ENV_DIRECTORY));
        ServerConfig config = requested.idScope() != null ? requested
                : requested.withIdScope(IdScopes.loadOrCreate(dataDir));
        ConnectionCap connectionCap = ConnectionCap.of(config.limits(), ConnectionCap.processDescriptorLimit());
        Path tlsDir = config.dataPath().resolve("tls");
        KeyMaterial localCa = LocalCertificateAuthority.ensureCa(tlsDir);
        TlsFiles tlsFiles = config.tls().userSupplied()
                ? new TlsFiles(Path.of(config.tls().certFile()), Path.of(config.tls().keyFile()), null)
                : LocalCertificateAuthority.ensure(tlsDir, localCa, config.tls().extraNames());
        CredentialPolicies credentialPolicies = CredentialPolicies.load(config.issuance(), localCa);
        OpenedResources opened = new OpenedResources();
        try {
            SslContext sslContext = opened.add(SslContexts.forServer(tlsFiles.certificateChain(),
                    tlsFiles.privateKey()), ReferenceCountUtil::release);
            Store store = opened.add(openStore(config), Store::close);
            EnrollmentRules rules = new EnrollmentRules(config.linkedHubs(), credentialPolicies.names());
            if (config.enrollments() != null) {
                EnrollmentSeeder.seed(store, Path.of(config.enrollments()), rules);
            }
            ServicePolicies policies = ServicePolicies.load(dataDir, config.service());
            PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            DpsMetrics metrics = new DpsMetrics(prometheus);
            opened.add(new ProcessMeters(prometheus, BuildInfo.version()), ProcessMeters::close);
            StoreHealth storeHealth = new StoreHealth(metrics);
            FaultRules faultRules = new FaultRules(config.faults(), metrics);
            Quotas quotas = new Quotas(config.throttling(), metrics);
            SasVerifier verifier = new SasVerifier(Duration.ofSeconds(config.provisioning().sasClockSkewSeconds()),
                    clock);
            EngineTimer timer = opened.add(new EngineTimer(), EngineTimer::close);
            StoreWatchdog watchdog = new StoreWatchdog(storeHealth,
                    Duration.ofMillis(config.limits().storeCallTimeoutMillis()), config.limits().storeThreads() + 1,
                    timer);
            StoreExecutor storeExecutor = new StoreExecutor(config.limits().storeThreads(),
                    config.limits().storeQueue(), watchdog, timer);
            RegistrationService registrations = opened.add(RegistrationService.builder()
                    .store(store)
                    .executor(storeExecutor)
                    .timer(timer)
                    .health(storeHealth)
                    .authenticator(new DeviceAuthenticator(store, verifier, config.idScope(), clock))
                    .allocator(new HubAllocator(config.linkedHubs(), config.allocation().policy()))
                    .webhooks(new WebhookClient(config.allocation()))
                    .gate(new RequestGate(quotas, faultRules))
                    .credentialPolicies(credentialPolicies)
                    .provisioning(config.provisioning())
                    .limits(config.limits())
                    .sharedOperations(ServerConfig.STORE_POSTGRES.equals(config.store()))
                    .metrics(metrics)
                    .build(), RegistrationService::close);
            // closed before the committer above, so that the records of their last tasks are written
            opened.add(storeExecutor, StoreExecutor::close);
            ServiceApi serviceApi = new ServiceApi(store, storeExecutor, storeHealth,
                    new ServiceAuthenticator(policies, verifier, config.service()), rules, config.service(),
                    quotas, faultRules, new LinkedHubsResource(config.linkedHubs(), config.allocation().policy()));
            Endpoints endpoints = listen(config, connectionCap, sslContext, registrations, serviceApi,
                    new OperationsHandler(prometheus, storeHealth), metrics, opened);
            DpsServer server = new DpsServer(config, store, tlsFiles, opened, endpoints, metrics, faultRules, quotas,
                    credentialPolicies);
            server.logReady(connectionCap, policies);
            return server;
        } catch (RuntimeException e) {
            opened.close();
            throw e;
        }
    }

    /**
     * The device ports (MQTT on one, HTTPS, WebSocket and the service API on the other) and the
     * operations port when it is on, with their event loops and housekeeping.
     */
    private static Endpoints listen(ServerConfig config, ConnectionCap connectionCap, SslContext sslContext,
            RegistrationService registrations, ServiceApi serviceApi, OperationsHandler operationsHandler,
            DpsMetrics metrics, OpenedResources opened) {
        boolean epoll = Epoll.isAvailable();
        EventLoopGroup boss = opened.add(eventLoops(1, epoll), DpsServer::shutDown);
        EventLoopGroup workers = opened.add(eventLoops(config.limits().eventLoopThreads(), epoll), DpsServer::shutDown);
        Disconnector disconnector = new Disconnector(metrics);
        MqttServices services = new MqttServices(registrations, new SessionRegistry(), disconnector, metrics,
                config.provisioning(), config.limits());
        ExceptionHandler exceptions = new ExceptionHandler(disconnector);
        // the limiter admits what the device ports accept, before Netty's acceptor hands it to a worker
        ConnectionLimiter limiter = new ConnectionLimiter(connectionCap, config.limits(), metrics,
                new RateLimitedLog(boss, FLOOD_LOG_INTERVAL, EventLog::connectionsRefused));
        AcceptErrorHandler acceptErrors = new AcceptErrorHandler(
                new RateLimitedLog(boss, FLOOD_LOG_INTERVAL, EventLog::acceptFailed));
        ServerBootstrap listening = new ServerBootstrap()
                .group(boss, workers)
                .channel(epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true);
        Channel mqtt = opened.add(bind(listening.clone().handler(limiter)
                .childHandler(new MqttChannelInitializer(sslContext, services, exceptions)),
                config.bind(), config.mqttPort(), "mqttPort", acceptErrors), DpsServer::closeChannel);
        Channel https = opened.add(bind(listening.clone().handler(limiter).childHandler(new HttpsChannelInitializer(
                sslContext, services, new DeviceApi(registrations), serviceApi, exceptions)),
                config.bind(), config.httpsPort(), "httpsPort", acceptErrors), DpsServer::closeChannel);
        Channel operations = null;
        if (config.operations().enabled()) {
            operations = opened.add(bind(listening.clone().childHandler(
                    new OperationsChannelInitializer(operationsHandler, config.limits())),
                    config.operations().bind(), config.operations().port(), "operations.port", acceptErrors),
                    DpsServer::closeChannel);
        }
        workers.next().scheduleAtFixedRate(registrations::sweep, SWEEP_SECONDS, SWEEP_SECONDS, TimeUnit.SECONDS);
        workers.next().scheduleAtFixedRate(limiter::sweep, SWEEP_SECONDS, SWEEP_SECONDS, TimeUnit.SECONDS);
        return new Endpoints(mqtt, https, operations, epoll);
    }

    private void logReady(ConnectionCap connectionCap, ServicePolicies policies) {
        LOG.info("transport {}, TLS {}", endpoints.epoll() ? "epoll" : "nio", SslContexts.providerName());
        if (connectionCap.lowered()) {
            LOG.warn(connectionCap.describe());
        } else {
            LOG.info(connectionCap.describe());
        }
        if (tlsFiles.caCertificate() != null) {
            LOG.info("devices must trust the CA certificate {}", tlsFiles.caCertificate().toAbsolutePath());
        }
        if (policies.ownerKeyCreated()) {
            // shown once, when it is made: logs are shipped and kept, the key must not be in every start's lines
            LOG.info("service API owner connection string (created now, not logged again; 'dpsemu service"
                    + " connection-string' prints it): {}",
                    policies.ownerConnectionString(config.service().hostName()));
        } else {
            LOG.info("service API owner connection string: run 'dpsemu service connection-string --data-dir {}'",
                    config.dataPath());
        }
        LOG.info("certificate issuance (credential policies): {}", credentialPolicies.describe());
        if (endpoints.operations() != null) {
            LOG.info("metrics and health on http://{}:{}/metrics and /health", config.operations().bind(),
                    operationsPort());
        }
        // the ports as fields too: with port 0 (tests, sidecars) a JSON log is where a script finds them
        LOG.atInfo().addKeyValue("idScope", config.idScope()).addKeyValue("mqttPort", mqttPort())
                .addKeyValue("httpsPort", httpsPort())
                .log("dpsemu ready: idScope={} mqtt={}:{} https={}:{} store={} hubs={}", config.idScope(),
                        config.bind(), mqttPort(), config.bind(), httpsPort(), config.store(),
                        config.linkedHubs().size());
    }

    public ServerConfig config() {
        return config;
    }

    public String idScope() {
        return config.idScope();
    }

    public int mqttPort() {
        return ((InetSocketAddress) endpoints.mqtt().localAddress()).getPort();
    }

    /** The HTTPS port: the device REST API and MQTT over WebSocket. */
    public int httpsPort() {
        return ((InetSocketAddress) endpoints.https().localAddress()).getPort();
    }

    /** The CA certificate devices must trust, or null when the TLS material was supplied by the user. */
    public Path caCertificate() {
        return tlsFiles.caCertificate();
    }

    /** The operations port (metrics, health), or -1 when it is off. */
    public int operationsPort() {
        return endpoints.operations() == null ? OperationsConfig.OFF
                : ((InetSocketAddress) endpoints.operations().localAddress()).getPort();
    }

    /** Every meter of this node ({@link DpsMetrics}). */
    public MeterRegistry meterRegistry() {
        return metrics.registry();
    }

    /** The fault rules of this node: the configured ones and those added through {@code /dpsemu/faults}. */
    public FaultRules faultRules() {
        return faultRules;
    }

    /** The quotas of this node ({@code throttling}). */
    public Quotas quotas() {
        return quotas;
    }

    /** The credential policies devices that send a certificate signing request are issued certificates by. */
    public CredentialPolicies credentialPolicies() {
        return credentialPolicies;
    }

    /** The store, for embedding code and tests that manage enrollments directly. */
    public Store store() {
        return store;
    }

    @Override
    public void close() {
        opened.close();
        LOG.info("dpsemu stopped");
    }

    private static EventLoopGroup eventLoops(int threads, boolean epoll) {
        return new MultiThreadIoEventLoopGroup(threads,
                epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
    }

    private static void shutDown(EventLoopGroup group) {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private static void closeChannel(Channel channel) {
        channel.close().syncUninterruptibly();
    }

    private static Store openStore(ServerConfig config) {
        return switch (config.store()) {
            case ServerConfig.STORE_MEMORY -> new InMemoryStore();
            case ServerConfig.STORE_SQLITE -> SqliteStore.open(config.dataPath().resolve("dpsemu.db"),
                    config.limits().storeThreads());
            case ServerConfig.STORE_POSTGRES -> PostgresStore.open(config.postgres().url(), config.postgres().user(),
                    config.postgres().password(), config.postgres().poolSize());
            default -> throw new ConfigException("configuration key 'store' has unknown value " + config.store());
        };
    }

    /**
     * Binds a listening channel and puts the accept-error handler last in its pipeline: once bound,
     * Netty's acceptor (added while the channel registered) is in place, and the handler comes after it.
     */
    private static Channel bind(ServerBootstrap bootstrap, String host, int port, String key,
            AcceptErrorHandler acceptErrors) {
        try {
            Channel channel = bootstrap.bind(host, port).syncUninterruptibly().channel();
            channel.pipeline().addLast(HandlerNames.ACCEPT_ERRORS, acceptErrors);
            return channel;
        } catch (Exception e) {
            throw new ConfigException("cannot listen on " + host + ":" + port + " (configuration key '" + key
                    + "'): " + e.getMessage() + privilegedPortHint(port, key, e), e);
        }
    }

    /** A non-root user binding 443 gets "Permission denied" from the kernel: say why, and what to do instead. */
    private static String privilegedPortHint(int port, String key, Exception e) {
        boolean denied = e.getMessage() != null && e.getMessage().contains("Permission denied");
        if (port <= 0 || port >= PRIVILEGED_PORTS_END || !denied) {
            return "";
        }
        String flag = "--" + key.replace('.', '-').replaceAll("([A-Z])", "-$1").toLowerCase(Locale.ROOT);
        return "; ports below " + PRIVILEGED_PORTS_END + " need root or the CAP_NET_BIND_SERVICE capability"
                + " (e.g. setcap cap_net_bind_service=+ep on the java binary), or choose another port with the"
                + " configuration key '" + key + "' or " + flag;
    }
}
