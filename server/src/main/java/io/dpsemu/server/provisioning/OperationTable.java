package io.dpsemu.server.provisioning;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The operations devices can poll, held in memory, bounded so that no client and no sustained load
 * can fill it:
 * <ul>
 *   <li>one operation per registration id: a register while the id's operation is still assigning
 *       joins it (two registrations of one device give one record), and a new one replaces the id's
 *       finished operation;</li>
 *   <li>at most {@code maxInflightPerCredential} operations assigning per enrollment (a group key can
 *       mint registration ids; an individual enrollment has one id anyway);</li>
 *   <li>at most {@code maxOperations} in all. Finished operations make room first, oldest first, so
 *       throughput never turns into refusals; only when every entry is still assigning are new
 *       registrations refused (429).</li>
 * </ul>
 * Finished operations are forgotten after the retention time.
 */
final class OperationTable {

    /** What {@link #start} did. */
    sealed interface Start {
        /** A new operation for the registration. */
        record Started(Operation operation) implements Start {
        }

        /** The registration id's operation was still assigning: the register joins it. */
        record Joined(Operation operation) implements Start {
        }

        /** No room: the reason, for the device's 429 and the overload log. */
        record Refused(String reason) implements Start {
        }
    }

    /**
     * Operations assigning longer than this lost their worker (it cannot happen in one process, but no entry may live
     * forever).
     */
    private static final long ABANDON_NANOS = TimeUnit.MINUTES.toNanos(10);

    private final Map<String, Operation> byId = new ConcurrentHashMap<>();
    /** The latest operation of each registration id, by lower-cased id. */
    private final Map<String, Operation> byRegistration = new ConcurrentHashMap<>();
    /** Finished operations in the order they finished: the eviction and expiry order. */
    private final Queue<Operation> finishedOrder = new ConcurrentLinkedQueue<>();
    private final Map<String, Integer> inflightByCredential = new ConcurrentHashMap<>();
    private final AtomicInteger size = new AtomicInteger();
    private final AtomicInteger inflight = new AtomicInteger();
    private final int maxOperations;
    private final int maxInflightPerCredential;
    private final long retentionNanos;
    private final String nodePrefix;

    OperationTable(int maxOperations, int maxInflightPerCredential, long retentionSeconds) {
        this.maxOperations = maxOperations;
        this.maxInflightPerCredential = maxInflightPerCredential;
        this.retentionNanos = TimeUnit.SECONDS.toNanos(retentionSeconds);
        byte[] node = new byte[8];
        new SecureRandom().nextBytes(node);
        // the shape of real DPS operation ids: "4.<16 hex>.<uuid>", characters [A-Za-z0-9.-] only
        this.nodePrefix = "4." + HexFormat.of().formatHex(node) + ".";
    }

    /**
     * Starts (or joins) the registration's operation.
     *
     * @param enrollmentGroupId the group that attested the device; null for an individual enrollment
     */
    Start start(String registrationId, String enrollmentGroupId, long nowNanos) {
        String credential = enrollmentGroupId != null ? "group:" + key(enrollmentGroupId)
                : "individual:" + key(registrationId);
        Start[] outcome = new Start[1];
        byRegistration.compute(key(registrationId), (id, current) -> {
            if (current != null && !current.isFinished()) {
                outcome[0] = new Start.Joined(current);
                return current;
            }
            String refused = reserve(credential);
            if (refused != null) {
                outcome[0] = new Start.Refused(refused);
                return current;
            }
            Operation operation = new Operation(nodePrefix + UUID.randomUUID(), registrationId, enrollmentGroupId,
                    credential, nowNanos);
            byId.put(operation.operationId(), operation);
            size.incrementAndGet();
            if (current != null && byId.remove(current.operationId(), current)) {
                size.decrementAndGet();
            }
            outcome[0] = new Start.Started(operation);
            return operation;
        });
        if (outcome[0] instanceof Start.Started) {
            makeRoom();
        }
        return outcome[0];
    }

    /** The operation with this id, if it belongs to this registration id. */
    Optional<Operation> find(String operationId, String registrationId) {
        Operation operation = byId.get(operationId);
        if (operation == null || !key(operation.registrationId()).equals(key(registrationId))) {
            return Optional.empty();
        }
        return Optional.of(operation);
    }

    /** Called once the operation has finished: it stops counting as in flight and becomes evictable. */
    void finished(Operation operation) {
        release(operation.credential());
        finishedOrder.add(operation);
    }

    /** Drops an operation that will never finish (its device was refused, or its record was given up on). */
    void abandon(Operation operation) {
        if (operation.abandon()) {
            release(operation.credential());
        }
        remove(operation);
    }

    /** Forgets expired finished operations and assigning ones that lost their worker. */
    void sweep(long nowNanos) {
        Operation oldest;
        while ((oldest = finishedOrder.peek()) != null && nowNanos - oldest.finishedNanos() > retentionNanos) {
            finishedOrder.poll();
            remove(oldest);
        }
        for (Iterator<Operation> it = byId.values().iterator(); it.hasNext(); ) {
            Operation operation = it.next();
            if (!operation.isFinished() && nowNanos - operation.startedNanos() > ABANDON_NANOS) {
                abandon(operation);
            }
        }
    }

    int size() {
        return size.get();
    }

    int inflight() {
        return inflight.get();
    }

    /** @return null when the credential may start one more operation, else why not */
    private String reserve(String credential) {
        if (inflight.incrementAndGet() > maxOperations) {
            inflight.decrementAndGet();
            return "all " + maxOperations + " operations (limits.maxOperations) are still assigning";
        }
        boolean[] admitted = new boolean[1];
        inflightByCredential.compute(credential, (c, count) -> {
            int now = count == null ? 0 : count;
            admitted[0] = now < maxInflightPerCredential;
            return admitted[0] ? now + 1 : count;
        });
        if (!admitted[0]) {
            inflight.decrementAndGet();
            return "the enrollment already has " + maxInflightPerCredential
                    + " registrations assigning (limits.maxInflightPerCredential)";
        }
        return null;
    }

    private void release(String credential) {
        inflight.decrementAndGet();
        inflightByCredential.computeIfPresent(credential, (c, count) -> count <= 1 ? null : count - 1);
    }

    /** Finished operations give way, oldest first, until the table is within its bound. */
    private void makeRoom() {
        Operation oldest;
        while (size.get() > maxOperations && (oldest = finishedOrder.poll()) != null) {
            remove(oldest);
        }
    }

    private void remove(Operation operation) {
        if (byId.remove(operation.operationId(), operation)) {
            size.decrementAndGet();
        }
        byRegistration.remove(key(operation.registrationId()), operation);
    }

    private static String key(String id) {
        return id.toLowerCase(Locale.ROOT);
    }
}
