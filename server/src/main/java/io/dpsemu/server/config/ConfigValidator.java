package io.dpsemu.server.config;

import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/** Checks value ranges after binding; the first problem stops start-up with the key's name. */
final class ConfigValidator {

    private ConfigValidator() {
    }

    static void validate(ServerConfig c) {
        require(c.dataDir() != null && !c.dataDir().isBlank(), "dataDir", "must be set");
        require(c.bind() != null && !c.bind().isBlank(), "bind", "must be set");
        port(c.mqttPort(), "mqttPort");
        port(c.httpsPort(), "httpsPort");
        require(c.mqttPort() == 0 || c.mqttPort() != c.httpsPort(), "httpsPort", "must differ from mqttPort");
        require(ServerConfig.STORE_SQLITE.equals(c.store()) || ServerConfig.STORE_MEMORY.equals(c.store()),
                "store", "must be 'sqlite' or 'memory', not '" + c.store() + "'");
        if (c.idScope() != null) {
            require(c.idScope().matches("[A-Za-z0-9]{1,64}"), "idScope", "must be 1-64 letters or digits");
        }
        require(c.linkedHubs() != null && !c.linkedHubs().isEmpty(), "linkedHubs", "needs at least one hub");
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < c.linkedHubs().size(); i++) {
            LinkedHub hub = c.linkedHubs().get(i);
            String key = "linkedHubs[" + i + "]";
            require(hub != null, key, "is empty");
            require(hub.hostName() != null && hub.hostName().matches("[A-Za-z0-9.-]{1,253}"), key + ".hostName",
                    "must be a host name");
            require(hub.allocationWeight() >= LinkedHub.MIN_WEIGHT && hub.allocationWeight() <= LinkedHub.MAX_WEIGHT,
                    key + ".allocationWeight", "must be between 1 and 1000");
            require(seen.add(hub.hostName().toLowerCase(Locale.ROOT)), key + ".hostName",
                    "'" + hub.hostName() + "' is listed twice");
        }
        TlsConfig tls = c.tls();
        require(tls != null, "tls", "must be set");
        require((tls.certFile() == null) == (tls.keyFile() == null), "tls.certFile",
                "tls.certFile and tls.keyFile go together");
        ProvisioningConfig p = c.provisioning();
        require(p != null, "provisioning", "must be set");
        range(p.retryAfterSeconds(), 1, 3600, "provisioning.retryAfterSeconds");
        range(p.minResponseDelayMillis(), 0, 60_000, "provisioning.minResponseDelayMillis");
        range(p.sasClockSkewSeconds(), 0, 86_400, "provisioning.sasClockSkewSeconds");
        range(p.maxAuthFailuresPerConnection(), 1, 1000, "provisioning.maxAuthFailuresPerConnection");
        range(p.operationRetentionSeconds(), 10, 86_400, "provisioning.operationRetentionSeconds");
        LimitsConfig l = c.limits();
        require(l != null, "limits", "must be set");
        range(l.maxConnections(), 1, 10_000_000, "limits.maxConnections");
        range(l.connectTimeoutSeconds(), 1, 600, "limits.connectTimeoutSeconds");
        range(l.maxConnectPacketBytes(), 128, 1024 * 1024, "limits.maxConnectPacketBytes");
        range(l.maxPacketBytes(), 1024, 16 * 1024 * 1024, "limits.maxPacketBytes");
        range(l.maxKeepAliveSeconds(), 1, 65_535, "limits.maxKeepAliveSeconds");
        range(l.storeThreads(), 1, 256, "limits.storeThreads");
        range(l.storeQueue(), 1, 10_000_000, "limits.storeQueue");
        range(l.maxOperations(), 100, 100_000_000, "limits.maxOperations");
        range(l.maxInflightPerConnection(), 1, 10_000, "limits.maxInflightPerConnection");
        range(l.maxHttpHeaderBytes(), 1024, 1024 * 1024, "limits.maxHttpHeaderBytes");
        range(l.maxHttpBodyBytes(), 1024, 16 * 1024 * 1024, "limits.maxHttpBodyBytes");
        range(l.httpRequestTimeoutSeconds(), 1, 600, "limits.httpRequestTimeoutSeconds");
        range(l.httpIdleTimeoutSeconds(), 1, 86_400, "limits.httpIdleTimeoutSeconds");
    }

    private static void port(int value, String key) {
        range(value, 0, 65_535, key);
    }

    private static void range(long value, long min, long max, String key) {
        require(value >= min && value <= max, key, "must be between " + min + " and " + max + ", not " + value);
    }

    private static void require(boolean ok, String key, String problem) {
        if (!ok) {
            throw new ConfigException("configuration key '" + key + "' " + problem);
        }
    }
}
