package io.dpsemu.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class LinkedHubSpecTest {

    @Test
    void parse_whenOnlyHost_thenWeightOneAndAllocationApplies() {
        assertThat(LinkedHubSpec.parse("hub-a.example.test")).isEqualTo(new LinkedHub("hub-a.example.test", 1, true));
    }

    @Test
    void parse_whenHostAndWeight_thenBoth() {
        assertThat(LinkedHubSpec.parse("hub-a.example.test=25"))
                .isEqualTo(new LinkedHub("hub-a.example.test", 25, true));
    }

    @Test
    void parse_whenSpacesAroundParts_thenTrimmed() {
        assertThat(LinkedHubSpec.parse("  hub-a.example.test = 4 "))
                .isEqualTo(new LinkedHub("hub-a.example.test", 4, true));
        assertThat(LinkedHubSpec.parse(" hub-b.example.test ")).isEqualTo(LinkedHub.of("hub-b.example.test"));
    }

    @Test
    void parse_whenWeightIsNotANumber_thenConfigExceptionNamesSpecAndWeight() {
        assertThatThrownBy(() -> LinkedHubSpec.parse("hub-a.example.test=heavy"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'hub-a.example.test=heavy'")
                .hasMessageContaining("'heavy'");
        assertThatThrownBy(() -> LinkedHubSpec.parse("hub-a.example.test="))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("hub-a.example.test=");
        assertThatThrownBy(() -> LinkedHubSpec.parse("hub-a.example.test=1.5"))
                .isInstanceOf(ConfigException.class);
    }
}
