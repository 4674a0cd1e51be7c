package io.dpsemu.server.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dpsemu.server.config.ConfigException;
import io.dpsemu.server.config.LimitsConfig;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** The effective connection cap: limits.maxConnections, or what the descriptor limit leaves after the reserve. */
class ConnectionCapTest {

    private static final LimitsConfig LIMITS = LimitsConfig.builder()
            .maxConnections(10_000)
            .reservedFileDescriptors(256)
            .build();

    @Test
    void of_whenTheDescriptorLimitLeavesMore_thenMaxConnections() {
        ConnectionCap cap = ConnectionCap.of(LIMITS, OptionalLong.of(1_048_576));

        assertThat(cap.connections()).isEqualTo(10_000);
        assertThat(cap.lowered()).isFalse();
        assertThat(cap.describe()).contains("10000").contains("limits.maxConnections");
    }

    @Test
    void of_whenTheDescriptorLimitLeavesLess_thenTheLimitMinusTheReserve() {
        ConnectionCap cap = ConnectionCap.of(LIMITS, OptionalLong.of(4096));

        assertThat(cap.connections()).isEqualTo(4096 - 256);
        assertThat(cap.lowered()).isTrue();
        assertThat(cap.describe()).contains("3840").contains("4096").contains("limits.reservedFileDescriptors")
                .contains("ulimit -n");
    }

    @Test
    void of_whenTheDescriptorLimitIsUnknown_thenMaxConnections() {
        assertThat(ConnectionCap.of(LIMITS, OptionalLong.empty()).connections()).isEqualTo(10_000);
    }

    @Test
    void of_whenTheReserveTakesEveryDescriptor_thenStartUpStopsNamingTheKey() {
        assertThatThrownBy(() -> ConnectionCap.of(LIMITS, OptionalLong.of(256)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'limits.reservedFileDescriptors'")
                .hasMessageContaining("256");
    }

    @Test
    @EnabledOnOs({OS.LINUX, OS.MAC})
    void processDescriptorLimit_onUnix_isKnownAndPositive() {
        OptionalLong limit = ConnectionCap.processDescriptorLimit();

        assertThat(limit).isPresent();
        assertThat(limit.getAsLong()).isPositive();
    }
}
