package io.dpsemu.server.config;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ConfigValidatorTest {

    private static ServerConfig with(UnaryOperator<ServerConfig> change) {
        return change.apply(ServerConfig.defaults());
    }

    private static ServerConfig hubs(LinkedHub... hubs) {
        ServerConfig d = ServerConfig.defaults();
        return new ServerConfig(d.dataDir(), d.idScope(), d.bind(), d.mqttPort(), d.httpsPort(), d.store(),
                d.postgres(), d.enrollments(), Arrays.asList(hubs), d.allocation(), d.tls(), d.provisioning(),
                d.limits(), d.service(), d.operations(), d.throttling(), d.faults(), d.log(), d.issuance());
    }

    private static ServerConfig provisioning(ProvisioningConfig p) {
        ServerConfig d = ServerConfig.defaults();
        return new ServerConfig(d.dataDir(), d.idScope(), d.bind(), d.mqttPort(), d.httpsPort(), d.store(),
                d.postgres(), d.enrollments(), d.linkedHubs(), d.allocation(), d.tls(), p, d.limits(), d.service(),
                d.operations(), d.throttling(), d.faults(), d.log(), d.issuance());
    }

    private static ServerConfig limits(LimitsConfig l) {
        ServerConfig d = ServerConfig.defaults();
        return new ServerConfig(d.dataDir(), d.idScope(), d.bind(), d.mqttPort(), d.httpsPort(), d.store(),
                d.postgres(), d.enrollments(), d.linkedHubs(), d.allocation(), d.tls(), d.provisioning(), l,
                d.service(), d.operations(), d.throttling(), d.faults(), d.log(), d.issuance());
    }

    @Test
    void validate_whenDefaults_thenAccepted() {
        assertThatCode(() -> ConfigValidator.validate(ServerConfig.defaults())).doesNotThrowAnyException();
    }

    @Test
    void validate_whenDataDirBlank_thenNamesDataDir() {
        ServerConfig d = ServerConfig.defaults();
        ServerConfig config = new ServerConfig(" ", d.idScope(), d.bind(), d.mqttPort(), d.httpsPort(), d.store(),
                d.postgres(), d.enrollments(), d.linkedHubs(), d.allocation(), d.tls(), d.provisioning(), d.limits(),
                d.service(), d.operations(), d.throttling(), d.faults(), d.log(), d.issuance());

        assertThatThrownBy(() -> ConfigValidator.validate(config))
                .isInstanceOf(ConfigException.class).hasMessageContaining("'dataDir'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "0ne-0001", "scope with space"})
    void validate_whenIdScopeHasBadCharacters_thenNamesIdScope(String scope) {
        ServerConfig config = ServerConfig.defaults().withIdScope(scope);

        assertThatThrownBy(() -> ConfigValidator.validate(config))
                .isInstanceOf(ConfigException.class).hasMessageContaining("'idScope'");
    }

    @Test
    void validate_whenNoLinkedHub_thenNamesLinkedHubs() {
        assertThatThrownBy(() -> ConfigValidator.validate(hubs()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("'linkedHubs'");
    }

    @Test
    void validate_whenHubListedTwiceInDifferentCase_thenNamesSecondHub() {
        ServerConfig config = hubs(LinkedHub.of("hub-a.example.test"), LinkedHub.of("HUB-A.example.test"));

        assertThatThrownBy(() -> ConfigValidator.validate(config))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'linkedHubs[1].hostName'")
                .hasMessageContaining("twice");
    }

    @Test
    void validate_whenHubNameIsNotAHostName_thenNamesIt() {
        assertThatThrownBy(() -> ConfigValidator.validate(hubs(LinkedHub.of("hub.example.test"), LinkedHub.of("a b"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("'linkedHubs[1].hostName'");
        assertThatThrownBy(() -> ConfigValidator.validate(hubs(LinkedHub.of(""))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("'linkedHubs[0].hostName'");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, 1001})
    void validate_whenHubWeightOutOfRange_thenNamesWeight(int weight) {
        ServerConfig config = hubs(new LinkedHub("hub.example.test", weight, true));

        assertThatThrownBy(() -> ConfigValidator.validate(config))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'linkedHubs[0].allocationWeight'");
    }

    @Test
    void validate_whenHubWeightAtBounds_thenAccepted() {
        assertThatCode(() -> ConfigValidator.validate(hubs(new LinkedHub("a.example.test", 1, true),
                new LinkedHub("b.example.test", 1000, false)))).doesNotThrowAnyException();
    }

    @Test
    void validate_whenKeyFileWithoutCertFile_thenNamesTls() {
        ServerConfig d = ServerConfig.defaults();
        ServerConfig config = new ServerConfig(d.dataDir(), d.idScope(), d.bind(), d.mqttPort(), d.httpsPort(),
                d.store(), d.postgres(), d.enrollments(), d.linkedHubs(), d.allocation(),
                new TlsConfig(null, "/k.pem", List.of()), d.provisioning(), d.limits(), d.service(), d.operations(),
                d.throttling(), d.faults(), d.log(), d.issuance());

        assertThatThrownBy(() -> ConfigValidator.validate(config))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("tls.certFile and tls.keyFile go together");
    }

    @Test
    void validate_whenProvisioningValueOutOfRange_thenNamesKeyAndValue() {
        assertThatThrownBy(() -> ConfigValidator.validate(provisioning(ProvisioningConfig.builder()
                .retryAfterSeconds(3601).build())))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'provisioning.retryAfterSeconds'")
                .hasMessageContaining("3601");
        assertThatThrownBy(() -> ConfigValidator.validate(provisioning(ProvisioningConfig.builder()
                .minResponseDelayMillis(-1).build())))
                .hasMessageContaining("'provisioning.minResponseDelayMillis'");
        assertThatThrownBy(() -> ConfigValidator.validate(provisioning(ProvisioningConfig.builder()
                .maxAuthFailuresPerConnection(0).build())))
                .hasMessageContaining("'provisioning.maxAuthFailuresPerConnection'");
        assertThatThrownBy(() -> ConfigValidator.validate(provisioning(ProvisioningConfig.builder()
                .operationRetentionSeconds(5).build())))
                .hasMessageContaining("'provisioning.operationRetentionSeconds'");
        assertThatThrownBy(() -> ConfigValidator.validate(provisioning(ProvisioningConfig.builder()
                .abandonedOperationSeconds(0).build())))
                .hasMessageContaining("'provisioning.abandonedOperationSeconds'");
    }

    @Test
    void validate_whenLimitOutOfRange_thenNamesKey() {
        assertThatThrownBy(() -> ConfigValidator.validate(limits(LimitsConfig.builder().maxConnections(0).build())))
                .isInstanceOf(ConfigException.class).hasMessageContaining("'limits.maxConnections'");
        assertThatThrownBy(() -> ConfigValidator.validate(limits(LimitsConfig.builder().storeThreads(0).build())))
                .hasMessageContaining("'limits.storeThreads'");
        assertThatThrownBy(() -> ConfigValidator.validate(limits(LimitsConfig.builder().eventLoopThreads(0).build())))
                .hasMessageContaining("'limits.eventLoopThreads'");
        assertThatThrownBy(() -> ConfigValidator.validate(limits(LimitsConfig.builder().maxPacketBytes(512).build())))
                .hasMessageContaining("'limits.maxPacketBytes'");
        assertThatThrownBy(() -> ConfigValidator.validate(limits(LimitsConfig.builder()
                .maxConnectionsPerAddress(0).build())))
                .hasMessageContaining("'limits.maxConnectionsPerAddress'");
        assertThatThrownBy(() -> ConfigValidator.validate(limits(LimitsConfig.builder()
                .connectionsPerAddressPerSecond(0).build())))
                .hasMessageContaining("'limits.connectionsPerAddressPerSecond'");
        assertThatThrownBy(() -> ConfigValidator.validate(limits(LimitsConfig.builder()
                .connectionBurstPerAddress(0).build())))
                .hasMessageContaining("'limits.connectionBurstPerAddress'");
        assertThatThrownBy(() -> ConfigValidator.validate(limits(LimitsConfig.builder()
                .reservedFileDescriptors(-1).build())))
                .hasMessageContaining("'limits.reservedFileDescriptors'");
    }

    @Test
    void validate_whenSectionMissing_thenNamesSection() {
        assertThatThrownBy(() -> ConfigValidator.validate(provisioning(null)))
                .isInstanceOf(ConfigException.class).hasMessageContaining("'provisioning'");
        assertThatThrownBy(() -> ConfigValidator.validate(limits(null)))
                .isInstanceOf(ConfigException.class).hasMessageContaining("'limits'");
        assertThatThrownBy(() -> ConfigValidator.validate(hubs(LinkedHub.of("a.example.test"), null)))
                .isInstanceOf(ConfigException.class).hasMessageContaining("'linkedHubs[1]'");
    }

    @Test
    void validate_whenBindBlank_thenNamesBind() {
        ServerConfig config = with(d -> new ServerConfig(d.dataDir(), d.idScope(), "", d.mqttPort(), d.httpsPort(),
                d.store(), d.postgres(), d.enrollments(), d.linkedHubs(), d.allocation(), d.tls(), d.provisioning(),
                d.limits(), d.service(), d.operations(), d.throttling(), d.faults(), d.log(), d.issuance()));

        assertThatThrownBy(() -> ConfigValidator.validate(config))
                .isInstanceOf(ConfigException.class).hasMessageContaining("'bind'");
    }
}
