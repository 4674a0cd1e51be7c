package io.dpsemu.server.provisioning;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The engine's one timer thread: store deadlines, bounded poll waits, fault delays and the store
 * watchdog. Its tasks only complete answers and flip flags; they never call the store.
 */
public final class EngineTimer implements AutoCloseable {

    private final ScheduledThreadPoolExecutor timer;

    public EngineTimer() {
        timer = new ScheduledThreadPoolExecutor(1, task -> {
            Thread thread = new Thread(task, EngineThreads.TIMER);
            thread.setDaemon(true);
            return thread;
        });
        // most deadlines are cancelled long before they fire: do not keep them queued
        timer.setRemoveOnCancelPolicy(true);
    }

    ScheduledFuture<?> schedule(Runnable task, long millis) {
        return timer.schedule(task, millis, TimeUnit.MILLISECONDS);
    }

    void every(Runnable task, long millis) {
        timer.scheduleWithFixedDelay(task, millis, millis, TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
