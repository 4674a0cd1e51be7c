package io.dpsemu.server.throttling;

import io.dpsemu.server.config.ThrottlingConfig;
import io.dpsemu.server.metrics.DpsMetrics;
import io.dpsemu.server.metrics.EventLog;
import io.dpsemu.server.metrics.ThrottledQuota;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The quotas of {@link ThrottlingConfig} on this node: fixed windows, one lock-free counter per quota
 * and one per polling device. A refused request is not counted. Per-device counters are forgotten
 * once their window has closed, and at most {@value #MAX_TRACKED_DEVICES} are kept: beyond that a
 * device's polls are admitted uncounted rather than letting memory grow.
 */
public final class Quotas {

    static final int MAX_TRACKED_DEVICES = 100_000;
    private static final long MINUTE_MILLIS = TimeUnit.MINUTES.toMillis(1);
    private static final long POLL_WINDOW_MILLIS = TimeUnit.SECONDS.toMillis(10);

    private final Quota registrations;
    private final Quota operations;
    private final int pollLimit;
    private final ConcurrentHashMap<String, WindowCounter> polls = new ConcurrentHashMap<>();
    private final int maxTrackedDevices;
    private final AtomicLong nextSweepMillis = new AtomicLong(POLL_WINDOW_MILLIS);
    private final DpsMetrics metrics;
    private final LongSupplier nanoTime;
    private final long originNanos;

    public Quotas(ThrottlingConfig config, DpsMetrics metrics) {
        this(config, metrics, System::nanoTime, MAX_TRACKED_DEVICES);
    }

    /** @param nanoTime a monotonic time source, {@link System#nanoTime()} outside tests */
    Quotas(ThrottlingConfig config, DpsMetrics metrics, LongSupplier nanoTime, int maxTrackedDevices) {
        this.registrations = Quota.of(config.registrationsPerMinute(), ThrottledQuota.REGISTRATIONS_PER_MINUTE,
                "more than " + config.registrationsPerMinute() + " registrations per minute");
        this.operations = Quota.of(config.operationsPerMinute(), ThrottledQuota.OPERATIONS_PER_MINUTE,
                "more than " + config.operationsPerMinute() + " operations (registrations and service API calls)"
                        + " per minute");
        this.pollLimit = config.pollsPerDevicePer10Seconds();
        this.maxTrackedDevices = maxTrackedDevices;
        this.metrics = metrics;
        this.nanoTime = nanoTime;
        this.originNanos = nanoTime.getAsLong();
    }

    /** A register request: counts against registrationsPerMinute and operationsPerMinute. */
    public Optional<Throttled> admitRegister(String registrationId) {
        long now = nowMillis();
        Optional<Throttled> refused = admit(registrations, now);
        if (refused.isPresent()) {
            return refused;
        }
        refused = admit(operations, now);
        if (refused.isPresent() && registrations != null) {
            registrations.counter().release(now);
        }
        return refused;
    }

    /** An operation status poll: counts against pollsPerDevicePer10Seconds for this registration id. */
    public Optional<Throttled> admitPoll(String registrationId) {
        if (pollLimit == ThrottlingConfig.UNLIMITED) {
            return Optional.empty();
        }
        long now = nowMillis();
        sweepIdleDevices(now);
        // registration ids are case-insensitive: one device, one counter, whatever case it sends
        String device = registrationId.toLowerCase(Locale.ROOT);
        WindowCounter counter = polls.get(device);
        if (counter == null) {
            if (polls.size() >= maxTrackedDevices) {
                return Optional.empty();
            }
            counter = polls.computeIfAbsent(device, id -> new WindowCounter(pollLimit, POLL_WINDOW_MILLIS));
        }
        return counter.acquire(now).map(refusal -> refused(ThrottledQuota.POLLS_PER_DEVICE_PER_10_SECONDS,
                "more than " + pollLimit + " status polls in 10 s for '" + registrationId + "'", refusal));
    }

    /** A call of the service REST API: counts against operationsPerMinute. */
    public Optional<Throttled> admitServiceCall() {
        return admit(operations, nowMillis());
    }

    /** How many devices' poll counters are held, for tests of the bound. */
    int trackedDevices() {
        return polls.size();
    }

    private Optional<Throttled> admit(Quota quota, long now) {
        if (quota == null) {
            return Optional.empty();
        }
        return quota.counter().acquire(now).map(refusal -> refused(quota.name(), quota.description(), refusal));
    }

    private Throttled refused(ThrottledQuota quota, String description, WindowCounter.Refusal refusal) {
        long perSecond = TimeUnit.SECONDS.toMillis(1);
        int retryAfter = (int) Math.max(1, (refusal.waitMillis() + perSecond - 1) / perSecond);
        Throttled throttled = new Throttled(description + " (throttling." + quota.configKey() + ")", retryAfter);
        metrics.throttled(quota);
        if (refusal.first()) {
            EventLog.throttlingStarted(throttled.reason(), retryAfter);
        }
        return throttled;
    }

    /** At most once per poll window, by whichever thread gets there first. */
    private void sweepIdleDevices(long now) {
        long due = nextSweepMillis.get();
        if (now >= due && nextSweepMillis.compareAndSet(due, now + POLL_WINDOW_MILLIS)) {
            // a device polling again just as it is forgotten loses at most that one count
            polls.values().removeIf(counter -> counter.idle(now));
        }
    }

    private long nowMillis() {
        return TimeUnit.NANOSECONDS.toMillis(nanoTime.getAsLong() - originNanos);
    }

    /** A service-wide quota; null when its limit is 0 (unlimited). */
    private record Quota(WindowCounter counter, ThrottledQuota name, String description) {

        static Quota of(int perMinute, ThrottledQuota name, String description) {
            return perMinute == ThrottlingConfig.UNLIMITED ? null
                    : new Quota(new WindowCounter(perMinute, MINUTE_MILLIS), name, description);
        }
    }
}
