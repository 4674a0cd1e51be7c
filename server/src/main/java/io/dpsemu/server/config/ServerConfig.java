package io.dpsemu.server.config;

import io.dpsemu.protocol.faults.FaultRuleSpec;
import java.nio.file.Path;
import java.util.List;

/**
 * The whole configuration of one dpsemu node. Defaults live here, in code; {@link ConfigLoader}
 * layers a YAML file, environment variables and command-line flags over them.
 *
 * @param dataDir     where the SQLite file, the id scope and the generated TLS material live
 * @param idScope     the id scope devices use; null = generated once and kept in the data directory
 * @param bind        address the device ports listen on
 * @param mqttPort    MQTT over TLS (0 = any free port, for tests)
 * @param httpsPort   HTTPS: the device REST API and MQTT over WebSocket (0 = any free port)
 * @param store       {@code sqlite} (default, durable), {@code postgres} (shared by several nodes) or
 *                    {@code memory}
 * @param postgres    where the {@code postgres} store is
 * @param enrollments a YAML or JSON seed file upserted at start, or null
 * @param linkedHubs  hubs devices are assigned to
 * @param allocation  the default allocation policy and the custom-allocation webhook client
 * @param service     the DPS service REST API (enrollment management) on the HTTPS port
 * @param operations  the plain-HTTP operations endpoint: Prometheus metrics and health
 * @param throttling  DPS-like quotas, off by default
 * @param faults      fault rules in force from the start (more can be added through the service API)
 * @param log         the format of the server's log
 * @param issuance    certificates issued to devices that send a certificate signing request
 */
public record ServerConfig(
        String dataDir,
        String idScope,
        String bind,
        int mqttPort,
        int httpsPort,
        String store,
        PostgresConfig postgres,
        String enrollments,
        List<LinkedHub> linkedHubs,
        AllocationConfig allocation,
        TlsConfig tls,
        ProvisioningConfig provisioning,
        LimitsConfig limits,
        ServiceApiConfig service,
        OperationsConfig operations,
        ThrottlingConfig throttling,
        List<FaultRuleSpec> faults,
        LogConfig log,
        IssuanceConfig issuance) {

    public static final String STORE_SQLITE = "sqlite";
    public static final String STORE_MEMORY = "memory";
    public static final String STORE_POSTGRES = "postgres";

    public static ServerConfig defaults() {
        return new ServerConfig("./dpsemu-data", null, "0.0.0.0", 8883, 443, STORE_SQLITE,
                PostgresConfig.defaults(), null,
                List.of(LinkedHub.of("dpsemu-hub.local")), AllocationConfig.defaults(), TlsConfig.defaults(),
                ProvisioningConfig.defaults(), LimitsConfig.defaults(), ServiceApiConfig.defaults(),
                OperationsConfig.defaults(), ThrottlingConfig.defaults(), List.of(), LogConfig.defaults(),
                IssuanceConfig.defaults());
    }

    public Path dataPath() {
        return Path.of(dataDir).toAbsolutePath().normalize();
    }

    public ServerConfig withIdScope(String scope) {
        return new ServerConfig(dataDir, scope, bind, mqttPort, httpsPort, store, postgres, enrollments, linkedHubs,
                allocation, tls, provisioning, limits, service, operations, throttling, faults, log, issuance);
    }
}
