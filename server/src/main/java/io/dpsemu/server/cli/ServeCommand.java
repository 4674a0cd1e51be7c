package io.dpsemu.server.cli;

import io.dpsemu.server.DpsServer;
import io.dpsemu.server.UnwritableDirectoryException;
import io.dpsemu.server.config.ConfigException;
import io.dpsemu.server.config.ConfigLoader;
import io.dpsemu.server.config.LinkedHubSpec;
import io.dpsemu.server.config.ServerConfig;
import io.dpsemu.store.StoreException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code dpsemu serve}: runs the server until interrupted. Every flag has a config-file key and an
 * environment variable ({@link ConfigLoader}); flags win.
 */
@Command(name = "serve", mixinStandardHelpOptions = true, description = "Run the provisioning server.")
final class ServeCommand implements Callable<Integer> {

    /** Exit status when the data directory (or {@code DPSEMU_NATIVE_DIR}) cannot be created or written. */
    static final int EXIT_UNWRITABLE_DIRECTORY = 3;

    @Option(names = "--config", paramLabel = "FILE", description = "YAML configuration file")
    private Path configFile;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "data directory (default ./dpsemu-data)")
    private String dataDir;

    @Option(names = "--id-scope", description = "id scope (default: generated once, kept in the data directory)")
    private String idScope;

    @Option(names = "--bind", paramLabel = "ADDRESS", description = "address to listen on (default 0.0.0.0)")
    private String bind;

    @Option(names = "--mqtt-port", paramLabel = "PORT", description = "MQTT over TLS port (default 8883)")
    private Integer mqttPort;

    @Option(names = "--https-port", paramLabel = "PORT",
            description = "HTTPS port: device REST API and MQTT over WebSocket (default 443)")
    private Integer httpsPort;

    @Option(names = "--operations-port", paramLabel = "PORT",
            description = "plain-HTTP /metrics (Prometheus) and /health on loopback (default: off)")
    private Integer operationsPort;

    @Option(names = "--store", description = "sqlite (default), postgres (shared by several nodes) or memory")
    private String store;

    @Option(names = "--store-url", paramLabel = "JDBC_URL",
            description = "jdbc:postgresql://host:port/database for --store postgres (user and password: "
                    + "postgres.user / DPSEMU_POSTGRES_USER, DPSEMU_POSTGRES_PASSWORD)")
    private String storeUrl;

    @Option(names = "--enrollments", paramLabel = "FILE", description = "seed file of enrollments, upserted at start")
    private String enrollments;

    @Option(names = "--hub", paramLabel = "HOST[=WEIGHT]",
            description = "a linked IoT hub; repeat for several (default dpsemu-hub.local)")
    private List<String> hubs;

    @Option(names = "--allocation-policy", paramLabel = "POLICY",
            description = "default for enrollments without one: hashed (default), geoLatency or static")
    private String allocationPolicy;

    @Option(names = "--tls-cert", paramLabel = "FILE", description = "PEM certificate chain (default: generated)")
    private String tlsCert;

    @Option(names = "--tls-key", paramLabel = "FILE", description = "PEM private key of --tls-cert")
    private String tlsKey;

    @Option(names = "--tls-name", paramLabel = "NAME", description = "extra name for the generated server certificate")
    private List<String> tlsNames;

    @Option(names = "--retry-after", paramLabel = "SECONDS", description = "retry-after while assigning (default 3)")
    private Integer retryAfter;

    @Option(names = "--strict", description = "refuse cleanSession 0 (the documented DPS rule)")
    private Boolean strict;

    @Option(names = "--log-format", paramLabel = "FORMAT",
            description = "text (default) or json: one JSON object per line, for log shippers")
    private String logFormat;

    @Override
    public Integer call() {
        ServerConfig config;
        DpsServer server;
        try {
            config = ConfigLoader.load(configFile, System.getenv(), overrides());
            ConsoleLog.useFormat(config.log().format());
            server = DpsServer.start(config);
        } catch (ConfigException e) {
            System.err.println("dpsemu: " + e.getMessage());
            return 2;
        } catch (UnwritableDirectoryException e) {
            System.err.println("dpsemu: " + e.getMessage());
            return EXIT_UNWRITABLE_DIRECTORY;
        } catch (StoreException e) {
            System.err.println("dpsemu: cannot open the store: " + e.getMessage());
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "dpsemu-shutdown"));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    private Map<String, Object> overrides() {
        Map<String, Object> values = new LinkedHashMap<>();
        put(values, "dataDir", dataDir);
        put(values, "idScope", idScope);
        put(values, "bind", bind);
        put(values, "mqttPort", mqttPort);
        put(values, "httpsPort", httpsPort);
        put(values, "operations.port", operationsPort);
        put(values, "store", store);
        put(values, "postgres.url", storeUrl);
        put(values, "enrollments", enrollments);
        if (hubs != null) {
            values.put("linkedHubs", hubs.stream().map(LinkedHubSpec::parse).toList());
        }
        put(values, "allocation.policy", allocationPolicy);
        put(values, "tls.certFile", tlsCert);
        put(values, "tls.keyFile", tlsKey);
        put(values, "tls.extraNames", tlsNames);
        put(values, "provisioning.retryAfterSeconds", retryAfter);
        put(values, "provisioning.strictCleanSession", strict);
        put(values, "log.format", logFormat);
        return values;
    }

    private static void put(Map<String, Object> values, String key, Object value) {
        if (value != null) {
            values.put(key, value);
        }
    }
}
