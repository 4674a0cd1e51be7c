package io.dpsemu.server.metrics;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A warning that a flood can raise thousands of times a second (refused connections, failed
 * accepts) written as one line per interval: the first occurrence schedules the line for the end of
 * the interval, and the line says how many occurred and what the latest was. Thread-safe; nothing
 * is written for an interval without occurrences.
 */
public final class RateLimitedLog {

    /** The line: how many occurrences in the last {@code seconds}, and the latest one's detail. */
    @FunctionalInterface
    public interface Line {
        void write(long count, long seconds, String latest);
    }

    private final ScheduledExecutorService scheduler;
    private final Duration interval;
    private final Line line;
    private final AtomicLong count = new AtomicLong();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private volatile String latest;

    public RateLimitedLog(ScheduledExecutorService scheduler, Duration interval, Line line) {
        this.scheduler = scheduler;
        this.interval = interval;
        this.line = line;
    }

    public void record(String detail) {
        latest = detail;
        count.incrementAndGet();
        if (scheduled.compareAndSet(false, true)) {
            scheduler.schedule(this::flush, interval.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void flush() {
        scheduled.set(false);
        long occurred = count.getAndSet(0);
        if (occurred > 0) {
            line.write(occurred, interval.toSeconds(), latest);
        }
    }
}
