package io.dpsemu.loadgen;

/**
 * {@code --rate}: the k-th flow of a phase starts no earlier than k / rate seconds after the phase
 * began. A phase that fell behind (all flows busy) catches up at once; the cap is on the average.
 */
final class StartPacer {

    private final double perSecond;
    private final long originNanos;
    private long taken;

    /** @param perSecond 0 for no cap */
    StartPacer(double perSecond, long originNanos) {
        this.perSecond = perSecond;
        this.originNanos = originNanos;
    }

    /** Nanoseconds until the next flow may start; 0 when it may start now. */
    long waitNanos(long nowNanos) {
        if (perSecond <= 0) {
            return 0;
        }
        long due = originNanos + (long) (taken * 1e9 / perSecond);
        return Math.max(0, due - nowNanos);
    }

    void take() {
        taken++;
    }
}
