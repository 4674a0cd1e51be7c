package io.dpsemu.server.provisioning;

import io.dpsemu.server.metrics.StoreHealth;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Notices a store that stopped answering (a frozen disk, a database that hangs) while its calls
 * still hang, not when they return: each thread that calls the store notes when its current call
 * started, and a timer tick marks the store stalled in {@link StoreHealth} while any call has run
 * longer than the call timeout, and answering again once none has.
 */
public final class StoreWatchdog {

    private static final long IDLE = 0;
    private static final long TICK_MILLIS = 250;

    private final StoreHealth health;
    private final long callTimeoutNanos;
    private final AtomicLongArray startedNanos;
    private int nextSlot;

    /** @param threads how many threads will call the store (store workers and the committer) */
    public StoreWatchdog(StoreHealth health, Duration callTimeout, int threads, EngineTimer timer) {
        this.health = health;
        this.callTimeoutNanos = callTimeout.toNanos();
        this.startedNanos = new AtomicLongArray(threads);
        timer.every(this::check, TICK_MILLIS);
    }

    public Duration callTimeout() {
        return Duration.ofNanos(callTimeoutNanos);
    }

    /** A slot for one more thread that calls the store. */
    synchronized int register() {
        if (nextSlot == startedNanos.length()) {
            throw new IllegalStateException("more store threads than the " + startedNanos.length() + " watched");
        }
        return nextSlot++;
    }

    void started(int slot) {
        long now = System.nanoTime();
        // never IDLE, even when nanoTime happens to be 0
        startedNanos.set(slot, now == IDLE ? 1 : now);
    }

    void ended(int slot) {
        startedNanos.set(slot, IDLE);
    }

    /** Whether a store call has now run longer than the call timeout. */
    boolean stalled() {
        long now = System.nanoTime();
        for (int i = 0; i < startedNanos.length(); i++) {
            long started = startedNanos.get(i);
            if (started != IDLE && now - started > callTimeoutNanos) {
                return true;
            }
        }
        return false;
    }

    private void check() {
        health.stalled(stalled(), TimeUnit.NANOSECONDS.toMillis(callTimeoutNanos));
    }
}
