package io.dpsemu.server.faults;

import io.dpsemu.protocol.faults.FaultRuleChecks;
import io.dpsemu.protocol.faults.FaultRuleSpec;
import io.dpsemu.protocol.faults.InvalidFaultRuleException;
import io.dpsemu.server.device.DeviceRequest;
import io.dpsemu.server.metrics.DpsMetrics;
import io.dpsemu.server.metrics.EventLog;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;

/**
 * The fault rules in force on this node, asked once per device request from event loops and store
 * threads alike. Rules are evaluated in the order they were added; the first that matches and fires
 * decides. In memory: rules added at run time are neither persisted nor shared with other nodes.
 */
public final class FaultRules {

    private final CopyOnWriteArrayList<ActiveFault> rules = new CopyOnWriteArrayList<>();
    /** Guarded by {@code rules}. */
    private int lastId;
    private final DpsMetrics metrics;
    private final LongSupplier nanoTime;
    private final DoubleSupplier random;

    /** @throws InvalidFaultRuleException when a rule of {@code initial} is bad; its field is named */
    public FaultRules(List<FaultRuleSpec> initial, DpsMetrics metrics) {
        this(initial, metrics, System::nanoTime, () -> ThreadLocalRandom.current().nextDouble());
    }

    /**
     * @param nanoTime a monotonic time source, {@link System#nanoTime()} outside tests
     * @param random   draws in [0, 1) for rules with a probability; called from many threads
     */
    public FaultRules(List<FaultRuleSpec> initial, DpsMetrics metrics, LongSupplier nanoTime, DoubleSupplier random) {
        this.metrics = metrics;
        this.nanoTime = nanoTime;
        this.random = random;
        initial.forEach(this::add);
    }

    /** The action of the first rule that matches {@code request} and fires, counted as one hit of that rule. */
    public Optional<FaultAction> onRequest(DeviceRequest request) {
        if (rules.isEmpty()) {
            return Optional.empty();
        }
        long now = nanoTime.getAsLong();
        for (ActiveFault fault : rules) {
            if (fault.expired(now)) {
                retire(fault, "expired");
                continue;
            }
            if (!fault.rule().matches(request) || !fault.triggers(random)) {
                continue;
            }
            if (!fault.claimHit()) {
                retire(fault, "maxHits reached");
                continue;
            }
            FaultAction action = fault.rule().action();
            metrics.faultFired(action.kind());
            EventLog.faultFired(fault.rule().id(), request.registrationId(), request.kind().configName(),
                    request.transport(), action);
            if (fault.exhausted()) {
                retire(fault, "maxHits reached");
            }
            return Optional.of(action);
        }
        return Optional.empty();
    }

    /**
     * Puts a rule in force after the others, with a new id ({@code f1}, {@code f2}, ...).
     *
     * @throws InvalidFaultRuleException naming the field at fault
     * @throws IllegalStateException     when {@value FaultRuleChecks#MAX_RULES} rules are in force
     */
    public FaultRuleState add(FaultRuleSpec spec) {
        synchronized (rules) {
            // checked before the id is taken, so that a refused rule leaves no gap in the numbering
            FaultRule rule = FaultRule.of("f" + (lastId + 1), spec);
            long now = nanoTime.getAsLong();
            dropExpired(now);
            if (rules.size() >= FaultRuleChecks.MAX_RULES) {
                throw new IllegalStateException("at most " + FaultRuleChecks.MAX_RULES + " fault rules can be in force;"
                        + " remove some first");
            }
            lastId++;
            ActiveFault fault = new ActiveFault(rule, now);
            rules.add(fault);
            EventLog.faultAdded(rule.id(), rule.spec());
            return state(fault, now);
        }
    }

    /** The rules in force, in evaluation order. */
    public List<FaultRuleState> list() {
        long now = nanoTime.getAsLong();
        dropExpired(now);
        return rules.stream().map(fault -> state(fault, now)).toList();
    }

    /** @return whether a rule with this id was in force */
    public boolean remove(String id) {
        for (ActiveFault fault : rules) {
            if (fault.rule().id().equals(id)) {
                return retire(fault, "removed");
            }
        }
        return false;
    }

    /** Removes every rule; returns how many there were. */
    public int clear() {
        int removed = 0;
        for (ActiveFault fault : rules) {
            if (retire(fault, "cleared")) {
                removed++;
            }
        }
        return removed;
    }

    private void dropExpired(long now) {
        for (ActiveFault fault : rules) {
            if (fault.expired(now)) {
                retire(fault, "expired");
            }
        }
    }

    /** Removes the rule once, whichever thread gets there first; only that one logs. */
    private boolean retire(ActiveFault fault, String reason) {
        boolean removed = rules.remove(fault);
        if (removed) {
            EventLog.faultRemoved(fault.rule().id(), reason, fault.hits());
        }
        return removed;
    }

    private static FaultRuleState state(ActiveFault fault, long now) {
        Long remaining = fault.remainingNanos(now);
        return new FaultRuleState(fault.rule().id(), fault.hits(),
                remaining == null ? null : ceilSeconds(remaining), fault.rule().spec());
    }

    private static long ceilSeconds(long nanos) {
        long perSecond = TimeUnit.SECONDS.toNanos(1);
        return (nanos + perSecond - 1) / perSecond;
    }
}
