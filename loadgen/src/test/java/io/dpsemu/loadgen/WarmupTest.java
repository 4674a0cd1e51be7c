package io.dpsemu.loadgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WarmupTest {

    @Test
    void plainNumber_isACountOfDevices() {
        assertThat(Warmup.parse("500")).isEqualTo(new Warmup(500, Duration.ZERO));
    }

    @Test
    void numberWithUnit_isATime() {
        Warmup warmup = Warmup.parse("10s");

        assertThat(warmup.isTimed()).isTrue();
        assertThat(warmup.time()).isEqualTo(Duration.ofSeconds(10));
        assertThat(Warmup.parse("2m").time()).isEqualTo(Duration.ofMinutes(2));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "-5", "ten", "10x", "1.5s"})
    void otherText_isRefusedNamingBothForms(String text) {
        assertThatThrownBy(() -> Warmup.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + text + "'");
    }

    @Test
    void durations_acceptBareSecondsAndUnits() {
        assertThat(Durations.parse("90")).isEqualTo(Duration.ofSeconds(90));
        assertThat(Durations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(Durations.parse("1h")).isEqualTo(Duration.ofHours(1));
        assertThatThrownBy(() -> Durations.parse("5 days")).hasMessageContaining("not a duration");
    }
}
