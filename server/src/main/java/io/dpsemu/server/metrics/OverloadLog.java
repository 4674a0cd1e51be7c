package io.dpsemu.server.metrics;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;

/**
 * Overload is logged at most once a second per cause, with how many requests it refused since the
 * last line: a flood of refused requests must not become a flood of log lines.
 */
final class OverloadLog {

    private static final long INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

    /** Refusals not yet logged, and when the cause was last logged. */
    private static final class Cause {
        final AtomicLong unlogged = new AtomicLong();
        final AtomicLong lastLoggedNanos;

        Cause(long nowNanos) {
            lastLoggedNanos = new AtomicLong(nowNanos - INTERVAL_NANOS);
        }
    }

    private final Map<String, Cause> causes = new ConcurrentHashMap<>();
    private final BiConsumer<String, Long> sink;

    /** @param sink writes one line: the cause and how many refusals it stands for */
    OverloadLog(BiConsumer<String, Long> sink) {
        this.sink = sink;
    }

    void refused(String cause, long nowNanos) {
        Cause state = causes.computeIfAbsent(cause, c -> new Cause(nowNanos));
        state.unlogged.incrementAndGet();
        long last = state.lastLoggedNanos.get();
        if (nowNanos - last >= INTERVAL_NANOS && state.lastLoggedNanos.compareAndSet(last, nowNanos)) {
            sink.accept(cause, state.unlogged.getAndSet(0));
        }
    }
}
