package io.dpsemu.server.faults;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.DoubleSupplier;

/** A rule in force on this node, with what it counted so far. Safe for concurrent requests. */
final class ActiveFault {

    /** No expiry. */
    private static final long NEVER = Long.MAX_VALUE;

    private final FaultRule rule;
    private final long expiresAtNanos;
    private final AtomicLong matches = new AtomicLong();
    private final AtomicInteger hits = new AtomicInteger();

    ActiveFault(FaultRule rule, long addedAtNanos) {
        this.rule = rule;
        this.expiresAtNanos = rule.expiresAfter() == null ? NEVER : addedAtNanos + rule.expiresAfter().toNanos();
    }

    FaultRule rule() {
        return rule;
    }

    int hits() {
        return hits.get();
    }

    boolean expired(long nowNanos) {
        return expiresAtNanos != NEVER && nowNanos - expiresAtNanos >= 0;
    }

    /** Null when the rule does not expire. */
    Long remainingNanos(long nowNanos) {
        return expiresAtNanos == NEVER ? null : Math.max(0, expiresAtNanos - nowNanos);
    }

    /** Whether this matching request triggers the rule: counts it for everyNth, else draws for probability. */
    boolean triggers(DoubleSupplier random) {
        if (rule.everyNth() > 0) {
            return matches.incrementAndGet() % rule.everyNth() == 0;
        }
        return rule.probability() >= 1 || random.getAsDouble() < rule.probability();
    }

    /**
     * Takes one hit, or none when maxHits were already taken: under any concurrency the rule fires
     * exactly maxHits times.
     */
    boolean claimHit() {
        Integer max = rule.maxHits();
        if (max == null) {
            hits.incrementAndGet();
            return true;
        }
        return hits.getAndUpdate(h -> h < max ? h + 1 : h) < max;
    }

    boolean exhausted() {
        return rule.maxHits() != null && hits.get() >= rule.maxHits();
    }
}
