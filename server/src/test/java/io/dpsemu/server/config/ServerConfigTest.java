package io.dpsemu.server.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ServerConfigTest {

    @Test
    void defaults_whenCreated_thenDocumentedValues() {
        ServerConfig config = ServerConfig.defaults();

        assertThat(config.dataDir()).isEqualTo("./dpsemu-data");
        assertThat(config.idScope()).isNull();
        assertThat(config.bind()).isEqualTo("0.0.0.0");
        assertThat(config.mqttPort()).isEqualTo(8883);
        assertThat(config.store()).isEqualTo(ServerConfig.STORE_SQLITE);
        assertThat(config.enrollments()).isNull();
        assertThat(config.linkedHubs()).containsExactly(new LinkedHub("dpsemu-hub.local", 1, true));
        assertThat(config.tls().certFile()).isNull();
        assertThat(config.tls().keyFile()).isNull();
        assertThat(config.tls().extraNames()).isEmpty();
        assertThat(config.tls().userSupplied()).isFalse();
    }

    @Test
    void defaults_whenCreated_thenProvisioningMatchesArchitecture() {
        ProvisioningConfig p = ServerConfig.defaults().provisioning();

        assertThat(p.minResponseDelayMillis()).isEqualTo(50);
        assertThat(p.detailedErrors()).isTrue();
        assertThat(p.strictCleanSession()).isFalse();
        assertThat(p.retryAfterSeconds()).isPositive();
        assertThat(p.sasClockSkewSeconds()).isNotNegative();
    }

    @Test
    void defaults_whenCreated_thenEveryLimitIsBounded() {
        LimitsConfig l = ServerConfig.defaults().limits();

        assertThat(l.maxConnections()).isPositive();
        assertThat(l.eventLoopThreads()).isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThat(l.storeThreads()).isPositive();
        assertThat(l.storeQueue()).isPositive();
        assertThat(l.maxOperations()).isPositive();
        assertThat(l.maxInflightPerConnection()).isPositive();
        assertThat(l.maxPacketBytes()).isGreaterThanOrEqualTo(96 * 1024);
        assertThat(l.maxConnectPacketBytes()).isLessThan(l.maxPacketBytes());
    }

    @Test
    void withIdScope_whenCalled_thenOnlyIdScopeChanges() {
        ServerConfig defaults = ServerConfig.defaults();

        ServerConfig scoped = defaults.withIdScope("0ne00000001");

        assertThat(scoped.idScope()).isEqualTo("0ne00000001");
        assertThat(scoped.withIdScope(null)).isEqualTo(defaults);
    }

    @Test
    void dataPath_whenCalled_thenAbsolutePathOfDataDir() {
        Path path = ServerConfig.defaults().dataPath();

        assertThat(path).isAbsolute().isEqualTo(Path.of("dpsemu-data").toAbsolutePath());
    }
}
