package io.dpsemu.server.throttling;

import static org.assertj.core.api.Assertions.assertThat;

import io.dpsemu.server.config.ThrottlingConfig;
import io.dpsemu.server.metrics.DpsMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class QuotasTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final AtomicLong nanos = new AtomicLong(123_456_789L);

    private Quotas quotas(int registrations, int operations, int polls) {
        return quotas(new ThrottlingConfig(registrations, operations, polls), Quotas.MAX_TRACKED_DEVICES);
    }

    private Quotas quotas(ThrottlingConfig config, int maxTrackedDevices) {
        return new Quotas(config, new DpsMetrics(registry), nanos::get, maxTrackedDevices);
    }

    private void advance(Duration duration) {
        nanos.addAndGet(duration.toNanos());
    }

    private static int admitted(int attempts, Supplier<Optional<Throttled>> request) {
        int admitted = 0;
        for (int i = 0; i < attempts; i++) {
            admitted += request.get().isEmpty() ? 1 : 0;
        }
        return admitted;
    }

    @Test
    void off_neverRefuses() {
        Quotas quotas = quotas(0, 0, 0);

        assertThat(admitted(50_000, () -> quotas.admitRegister("dev-1"))).isEqualTo(50_000);
        assertThat(admitted(50_000, () -> quotas.admitPoll("dev-1"))).isEqualTo(50_000);
        assertThat(admitted(50_000, quotas::admitServiceCall)).isEqualTo(50_000);
        assertThat(quotas.trackedDevices()).isZero();
    }

    @Test
    void registrationsPerMinute_admitsExactlyN_thenRefusesUntilTheWindowCloses() {
        Quotas quotas = quotas(5, 0, 0);

        assertThat(admitted(5, () -> quotas.admitRegister("dev-1"))).isEqualTo(5);
        advance(Duration.ofSeconds(20).plusMillis(1));
        Optional<Throttled> refused = quotas.admitRegister("dev-2");

        assertThat(refused).contains(new Throttled(
                "more than 5 registrations per minute (throttling.registrationsPerMinute)", 40));
        assertThat(quotas.admitServiceCall()).as("a different quota").isEmpty();
        advance(Duration.ofSeconds(39).plusMillis(998));
        assertThat(quotas.admitRegister("dev-2")).map(Throttled::retryAfterSeconds).contains(1);
        advance(Duration.ofMillis(1));
        assertThat(admitted(6, () -> quotas.admitRegister("dev-3"))).as("a new window").isEqualTo(5);
        assertThat(registry.counter("dps.throttled", "quota", "registrations_per_minute").count()).isEqualTo(3);
    }

    @Test
    void operationsPerMinute_countsRegistrationsAndServiceCalls() {
        Quotas quotas = quotas(0, 4, 0);

        assertThat(admitted(2, () -> quotas.admitRegister("dev-1"))).isEqualTo(2);
        assertThat(admitted(2, quotas::admitServiceCall)).isEqualTo(2);

        assertThat(quotas.admitServiceCall()).map(Throttled::reason).contains("more than 4 operations (registrations"
                + " and service API calls) per minute (throttling.operationsPerMinute)");
        assertThat(quotas.admitRegister("dev-1")).map(Throttled::retryAfterSeconds).contains(60);
    }

    @Test
    void refusedRequests_areNotCounted_norTheRegistrationAnOperationsQuotaRefused() {
        Quotas quotas = quotas(3, 2, 0);

        assertThat(admitted(10, () -> quotas.admitRegister("dev-1"))).isEqualTo(2);

        // had the eight refused registrations been counted, registrationsPerMinute (3) would refuse now
        assertThat(quotas.admitRegister("dev-1")).map(Throttled::reason).hasValueSatisfying(
                reason -> assertThat(reason).contains("operationsPerMinute"));
        advance(Duration.ofMinutes(1));
        assertThat(admitted(10, () -> quotas.admitRegister("dev-1"))).isEqualTo(2);
    }

    @Test
    void pollsPerDevicePer10Seconds_countsEachDeviceOnItsOwn() {
        Quotas quotas = quotas(0, 0, 5);

        assertThat(admitted(8, () -> quotas.admitPoll("dev-1"))).isEqualTo(5);
        assertThat(admitted(8, () -> quotas.admitPoll("dev-2"))).isEqualTo(5);
        advance(Duration.ofMillis(2500));

        assertThat(quotas.admitPoll("dev-1")).contains(new Throttled(
                "more than 5 status polls in 10 s for 'dev-1' (throttling.pollsPerDevicePer10Seconds)", 8));
        advance(Duration.ofMillis(7500));
        assertThat(admitted(8, () -> quotas.admitPoll("dev-1"))).isEqualTo(5);
    }

    @Test
    void pollCounters_areForgottenOnceIdle_andBoundedInNumber() {
        Quotas quotas = quotas(new ThrottlingConfig(0, 0, 1), 100);

        for (int i = 0; i < 150; i++) {
            assertThat(quotas.admitPoll("dev-" + i)).isEmpty();
        }
        assertThat(quotas.trackedDevices()).isEqualTo(100);
        assertThat(quotas.admitPoll("dev-0")).as("tracked").isPresent();
        assertThat(quotas.admitPoll("dev-149")).as("beyond the bound: admitted uncounted").isEmpty();

        advance(Duration.ofSeconds(10));
        assertThat(quotas.admitPoll("dev-new")).isEmpty();

        assertThat(quotas.trackedDevices()).isEqualTo(1);
    }
}
