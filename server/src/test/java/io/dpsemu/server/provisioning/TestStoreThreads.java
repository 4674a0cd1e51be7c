package io.dpsemu.server.provisioning;

import io.dpsemu.server.metrics.DpsMetrics;
import io.dpsemu.server.metrics.StoreHealth;
import java.time.Duration;

/** The store threads of an engine under test, wired as DpsServer wires them: timer, health, watchdog, executor. */
public final class TestStoreThreads implements AutoCloseable {

    /** Longer than any test waits, so a slow machine never trips a store deadline by accident. */
    public static final Duration CALL_TIMEOUT = Duration.ofSeconds(60);

    private final EngineTimer timer = new EngineTimer();
    private final StoreHealth health;
    private final StoreExecutor executor;

    public TestStoreThreads(DpsMetrics metrics, int threads, int queue) {
        this(metrics, threads, queue, CALL_TIMEOUT);
    }

    public TestStoreThreads(DpsMetrics metrics, int threads, int queue, Duration callTimeout) {
        this.health = new StoreHealth(metrics);
        this.executor = new StoreExecutor(threads, queue, new StoreWatchdog(health, callTimeout, threads + 1, timer),
                timer);
    }

    public StoreExecutor executor() {
        return executor;
    }

    public EngineTimer timer() {
        return timer;
    }

    public StoreHealth health() {
        return health;
    }

    /** An engine on these threads; the caller sets the rest. */
    public RegistrationService.Builder engine() {
        return RegistrationService.builder().executor(executor).timer(timer).health(health);
    }

    @Override
    public void close() {
        executor.close();
        timer.close();
    }
}
