package io.dpsemu.server.throttling;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Admits at most {@code limit} requests per window. A window opens with the first request after the
 * previous one closed. Lock-free: the whole state is one long, the window's start in milliseconds in
 * the high bits and the count in the low {@value #COUNT_BITS} bits, changed by compare-and-set.
 */
final class WindowCounter {

    private static final int COUNT_BITS = 24;
    private static final long COUNT_MASK = (1L << COUNT_BITS) - 1;
    /** The count one above the limit marks a window whose refusals have begun (and were logged). */
    static final int MAX_LIMIT = (int) COUNT_MASK - 1;

    private final int limit;
    private final long windowMillis;
    private final AtomicLong state = new AtomicLong();

    /**
     * A refused request.
     *
     * @param waitMillis until the window closes
     * @param first      whether it is the first refusal of its window
     */
    record Refusal(long waitMillis, boolean first) {
    }

    WindowCounter(int limit, long windowMillis) {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be between 1 and " + MAX_LIMIT + ", not " + limit);
        }
        this.limit = limit;
        this.windowMillis = windowMillis;
    }

    /**
     * Counts one request, or refuses it without counting it.
     *
     * @param nowMillis milliseconds on a monotonic clock, never negative
     */
    Optional<Refusal> acquire(long nowMillis) {
        while (true) {
            long current = state.get();
            long start = current >>> COUNT_BITS;
            int count = (int) (current & COUNT_MASK);
            if (count == 0 || nowMillis - start >= windowMillis) {
                if (state.compareAndSet(current, pack(nowMillis, 1))) {
                    return Optional.empty();
                }
            } else if (count < limit) {
                if (state.compareAndSet(current, pack(start, count + 1))) {
                    return Optional.empty();
                }
            } else {
                long wait = start + windowMillis - nowMillis;
                if (count > limit) {
                    return Optional.of(new Refusal(wait, false));
                }
                if (state.compareAndSet(current, pack(start, count + 1))) {
                    return Optional.of(new Refusal(wait, true));
                }
            }
        }
    }

    /** Takes back one request counted by {@link #acquire} at {@code nowMillis}, if its window is still open. */
    void release(long nowMillis) {
        while (true) {
            long current = state.get();
            long start = current >>> COUNT_BITS;
            int count = (int) (current & COUNT_MASK);
            if (count == 0 || nowMillis < start || nowMillis - start >= windowMillis) {
                return;
            }
            int counted = Math.min(count, limit);
            if (state.compareAndSet(current, pack(start, counted - 1))) {
                return;
            }
        }
    }

    /** Whether the window has closed, so that forgetting this counter changes nothing. */
    boolean idle(long nowMillis) {
        long current = state.get();
        return (current & COUNT_MASK) == 0 || nowMillis - (current >>> COUNT_BITS) >= windowMillis;
    }

    private static long pack(long startMillis, int count) {
        return startMillis << COUNT_BITS | count;
    }
}
