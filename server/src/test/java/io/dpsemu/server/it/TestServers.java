package io.dpsemu.server.it;

import io.dpsemu.server.DpsServer;
import io.dpsemu.server.config.ConfigLoader;
import io.dpsemu.server.config.ServerConfig;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

/**
 * Starts real dpsemu servers for integration tests. The Azure SDK hard-codes ports 8883 and 443, so
 * these servers listen there, on loopback; integration tests run one after another in one JVM.
 */
public final class TestServers {

    public static final int SDK_MQTT_PORT = 8883;
    public static final int SDK_HTTPS_PORT = 443;

    private TestServers() {
    }

    public static DpsServer start(Path dataDir, String store) {
        return start(dataDir, store, Map.of(), Clock.systemUTC());
    }

    public static DpsServer start(Path dataDir, String store, Map<String, Object> extra, Clock clock) {
        Map<String, Object> overrides = new HashMap<>();
        overrides.put("dataDir", dataDir.toString());
        overrides.put("store", store);
        overrides.put("bind", "127.0.0.1");
        overrides.put("mqttPort", SDK_MQTT_PORT);
        overrides.put("httpsPort", SDK_HTTPS_PORT);
        overrides.putAll(extra);
        ServerConfig config = ConfigLoader.load(null, Map.of(), overrides);
        return DpsServer.start(config, clock);
    }
}
