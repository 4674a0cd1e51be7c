package io.dpsemu.server.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Every meter dpsemu defines, in one place. Tags are low-cardinality enums: never a registration id.
 */
public final class DpsMetrics {

    private final MeterRegistry registry;
    private final AtomicInteger activeConnections = new AtomicInteger();
    private final Timer registrationDuration;

    public DpsMetrics(MeterRegistry registry) {
        this.registry = registry;
        registry.gauge("dps.connections.active", activeConnections);
        this.registrationDuration = Timer.builder("dps.registration.duration")
                .description("from register request to the durable registration record")
                .register(registry);
    }

    public MeterRegistry registry() {
        return registry;
    }

    public void connectionOpened() {
        activeConnections.incrementAndGet();
    }

    public void connectionClosed() {
        activeConnections.decrementAndGet();
    }

    public int activeConnections() {
        return activeConnections.get();
    }

    /** A connection was closed by the server for a protocol reason. */
    public void closed(String reason) {
        Counter.builder("dps.connections.closed").tag("reason", reason).register(registry).increment();
    }

    public void connectRefused(String reason) {
        Counter.builder("dps.connect.refused").tag("reason", reason).register(registry).increment();
    }

    /** A registration ended: assigned, disabled, failed, unauthorized, throttled or error. */
    public void registration(String outcome) {
        Counter.builder("dps.registrations").tag("outcome", outcome).register(registry).increment();
    }

    public void registrationDuration(Duration duration) {
        registrationDuration.record(duration);
    }

    /** A fault rule fired: respond, delay, drop or failOperation. */
    public void faultFired(String action) {
        Counter.builder("dps.faults.fired").tag("action", action).register(registry).increment();
    }

    /** A request was refused by a quota (registrationsPerMinute, operationsPerMinute, pollsPerDevicePer10Seconds). */
    public void throttled(String quota) {
        Counter.builder("dps.throttled").tag("quota", quota).register(registry).increment();
    }
}
