package io.dpsemu.server.provisioning;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The operations devices can poll, held in memory. Bounded: finished operations are forgotten after
 * the retention time, and when the table is full new registrations are refused (429) rather than
 * growing it.
 */
final class Operations {

    private final Map<String, Operation> byId = new ConcurrentHashMap<>();
    private final AtomicInteger size = new AtomicInteger();
    private final AtomicLong lastSweepNanos = new AtomicLong(System.nanoTime() - TimeUnit.SECONDS.toNanos(1));
    private final int maxOperations;
    private final long retentionNanos;
    private final long abandonNanos;
    private final String nodePrefix;

    Operations(int maxOperations, long retentionSeconds) {
        this.maxOperations = maxOperations;
        this.retentionNanos = TimeUnit.SECONDS.toNanos(retentionSeconds);
        // an operation still assigning after this long lost its worker (it cannot happen in one
        // process, but the sweep must never keep an entry forever)
        this.abandonNanos = Math.max(retentionNanos, TimeUnit.MINUTES.toNanos(10));
        byte[] node = new byte[8];
        new SecureRandom().nextBytes(node);
        // the shape of real DPS operation ids: "4.<16 hex>.<uuid>", characters [A-Za-z0-9.-] only
        this.nodePrefix = "4." + HexFormat.of().formatHex(node) + ".";
    }

    /**
     * A new operation, or empty when the table is full.
     *
     * @param enrollmentGroupId the group that attested the device; null for an individual enrollment
     */
    Optional<Operation> start(String registrationId, String enrollmentGroupId, long nowNanos) {
        if (size.incrementAndGet() > maxOperations) {
            sweepAtMostEverySecond(nowNanos);
            if (size.get() > maxOperations) {
                size.decrementAndGet();
                return Optional.empty();
            }
        }
        Operation operation = new Operation(nodePrefix + UUID.randomUUID(), registrationId, enrollmentGroupId,
                nowNanos);
        byId.put(operation.operationId(), operation);
        return Optional.of(operation);
    }

    /** The operation with this id, if it belongs to this registration id. */
    Optional<Operation> find(String operationId, String registrationId) {
        Operation operation = byId.get(operationId);
        if (operation == null || !operation.registrationId().toLowerCase(Locale.ROOT)
                .equals(registrationId.toLowerCase(Locale.ROOT))) {
            return Optional.empty();
        }
        return Optional.of(operation);
    }

    /** A full table is swept at most once a second, so a burst of refused registers stays cheap. */
    private void sweepAtMostEverySecond(long nowNanos) {
        long last = lastSweepNanos.get();
        if (nowNanos - last >= TimeUnit.SECONDS.toNanos(1) && lastSweepNanos.compareAndSet(last, nowNanos)) {
            sweep(nowNanos);
        }
    }

    void sweep(long nowNanos) {
        Iterator<Operation> it = byId.values().iterator();
        while (it.hasNext()) {
            Operation op = it.next();
            boolean expired = op.finished()
                    ? nowNanos - op.finishedNanos() > retentionNanos
                    : nowNanos - op.startedNanos() > abandonNanos;
            if (expired) {
                it.remove();
                size.decrementAndGet();
            }
        }
    }

    int size() {
        return byId.size();
    }
}
