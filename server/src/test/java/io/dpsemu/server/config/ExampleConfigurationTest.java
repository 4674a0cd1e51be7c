package io.dpsemu.server.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The example configuration shipped in the release archive (conf/dpsemu.yaml) is one the server accepts. */
class ExampleConfigurationTest {

    private static final Path EXAMPLE = Path.of("src", "dist", "conf", "dpsemu.yaml");

    @Test
    void example_loadsAsWritten_withTheDataDirectoryTheSystemdUnitPrepares() {
        ServerConfig config = ConfigLoader.load(EXAMPLE, Map.of(), Map.of());

        assertThat(config.dataDir()).isEqualTo("/var/lib/dpsemu");
        assertThat(config.mqttPort()).isEqualTo(8883);
        assertThat(config.httpsPort()).isEqualTo(443);
        assertThat(config.store()).isEqualTo(ServerConfig.STORE_SQLITE);
        assertThat(config.operations().enabled()).isTrue();
        assertThat(config.service().hostName()).isEqualTo("localhost");
    }

    @Test
    void example_everyKeyIsOverriddenByItsEnvironmentVariable_asTheSystemdEnvironmentFileDoes() {
        ServerConfig config = ConfigLoader.load(EXAMPLE, Map.of("DPSEMU_DATA_DIR", "/srv/dpsemu",
                "DPSEMU_HTTPS_PORT", "8443"), Map.of());

        assertThat(config.dataDir()).isEqualTo("/srv/dpsemu");
        assertThat(config.httpsPort()).isEqualTo(8443);
    }
}
