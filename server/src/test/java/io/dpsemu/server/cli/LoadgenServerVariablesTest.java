package io.dpsemu.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.dpsemu.loadgen.LoadgenCommand;
import io.dpsemu.server.config.ConfigLoader;
import org.junit.jupiter.api.Test;

/**
 * {@code dpsemu loadgen} finds a server on this machine through the server's own variables: the
 * module cannot use the configuration code, so the names it spells out are checked against it here.
 */
class LoadgenServerVariablesTest {

    @Test
    void loadgenVariables_areTheServersNamesForMqttPortHttpsPortAndDataDir() {
        assertThat(LoadgenCommand.ENV_MQTT_PORT).isEqualTo(ConfigLoader.environmentName("mqttPort"));
        assertThat(LoadgenCommand.ENV_HTTPS_PORT).isEqualTo(ConfigLoader.environmentName("httpsPort"));
        assertThat(LoadgenCommand.ENV_DATA_DIR).isEqualTo(ConfigLoader.environmentName("dataDir"));
    }
}
