package io.dpsemu.server.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;

/**
 * Every meter dpsemu defines, in one place. Tags are low-cardinality enums: never a registration id.
 */
public final class DpsMetrics {

    private final MeterRegistry registry;
    private final AtomicInteger activeConnections = new AtomicInteger();
    private final Timer registrationDuration;
    private final DistributionSummary commitGroupSize;

    public DpsMetrics(MeterRegistry registry) {
        this.registry = registry;
        registry.gauge("dps.connections.active", activeConnections);
        this.registrationDuration = Timer.builder("dps.registration.duration")
                .description("from register request to the durable registration record")
                .register(registry);
        this.commitGroupSize = DistributionSummary.builder("dps.store.commit.records")
                .description("registration records written per transaction (group commit)")
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

    /** One transaction wrote this many registration records. */
    public void recordsCommitted(int records) {
        commitGroupSize.record(records);
    }

    /** The operation table: operations held (finished ones included) and those still assigning. */
    public void operations(IntSupplier held, IntSupplier assigning) {
        Gauge.builder("dps.operations", held::getAsInt).description("operations devices can poll")
                .register(registry);
        Gauge.builder("dps.operations.assigning", assigning::getAsInt)
                .description("operations whose registration record is not durable yet").register(registry);
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
