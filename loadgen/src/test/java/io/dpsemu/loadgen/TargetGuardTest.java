package io.dpsemu.loadgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TargetGuardTest {

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "127.3.2.1", "::1", "localhost"})
    void loopbackHost_isAccepted(String host) {
        assertThat(TargetGuard.resolve(host, false).isLoopbackAddress()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.1", "192.168.1.20", "203.0.113.7", "2001:db8::1"})
    void addressOffThisMachine_isRefusedNamingTheAddressAndTheWayOut(String host) {
        assertThatThrownBy(() -> TargetGuard.resolve(host, false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a loopback address")
                .hasMessageContaining("--allow-remote");
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.1", "203.0.113.7"})
    void addressOffThisMachine_isAcceptedWithAllowRemote(String host) {
        assertThat(TargetGuard.resolve(host, true).getHostAddress()).isEqualTo(host);
    }
}
