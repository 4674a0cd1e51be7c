package io.dpsemu.server.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dpsemu.protocol.auth.ServicePolicyNames;
import io.dpsemu.server.config.ConfigException;
import io.dpsemu.server.config.ServerConfig;
import io.dpsemu.server.config.ServiceApiConfig;
import io.dpsemu.server.config.ServicePolicyConfig;
import io.dpsemu.server.config.ServiceRights;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The owner key: made on the first start, the same ever after, readable without a server. */
class ServicePoliciesTest {

    private static final ServiceApiConfig DEFAULTS = ServerConfig.defaults().service();
    private static final String CONFIGURED_KEY = "dGhlIGNsdXN0ZXIncyBzaGFyZWQgb3duZXIga2V5IQ==";

    @TempDir
    Path dataDir;

    @Test
    void load_createsTheOwnerKeyOnTheFirstStartOnly_andReadGivesTheSameKey() {
        ServicePolicies first = ServicePolicies.load(dataDir, DEFAULTS);
        ServicePolicies second = ServicePolicies.load(dataDir, DEFAULTS);

        assertThat(first.ownerKeyCreated()).isTrue();
        assertThat(second.ownerKeyCreated()).isFalse();
        assertThat(second.ownerConnectionString("localhost")).isEqualTo(first.ownerConnectionString("localhost"))
                .startsWith("HostName=localhost;SharedAccessKeyName=" + ServicePolicyNames.OWNER + ";SharedAccessKey=");
        assertThat(ServicePolicies.read(dataDir, DEFAULTS).ownerConnectionString("dps.example"))
                .isEqualTo(first.ownerConnectionString("dps.example"));
    }

    @Test
    void load_whenTheConfigurationGivesTheOwnerPolicy_thenTheGeneratedKeyIsNotTheOneToShow() {
        ServiceApiConfig configured = new ServiceApiConfig("localhost", List.of(), List.of(new ServicePolicyConfig(
                ServicePolicyNames.OWNER, ServiceRights.NAMES, CONFIGURED_KEY, null)), 10, 1000,
                ServiceApiConfig.DEFAULT_MAX_TOKEN_LIFETIME_SECONDS);

        ServicePolicies policies = ServicePolicies.load(dataDir, configured);

        assertThat(policies.ownerKeyCreated()).isFalse();
        assertThat(policies.ownerConnectionString("localhost")).endsWith(";SharedAccessKey=" + CONFIGURED_KEY);
    }

    @Test
    void read_whenTheDataDirectoryHasNoPoliciesYet_thenSaysToStartTheServerAndCreatesNothing() {
        assertThatThrownBy(() -> ServicePolicies.read(dataDir, DEFAULTS))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("start the server with this data directory first");
        assertThat(dataDir.resolve(ServicePolicies.FILE_NAME)).doesNotExist();
    }
}
