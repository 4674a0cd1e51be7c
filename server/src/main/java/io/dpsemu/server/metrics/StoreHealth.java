package io.dpsemu.server.metrics;

import java.util.Objects;

/**
 * Whether the store serves, from three observations: the last store call (a read or an enrollment
 * write) failed, the last group of registration records could not be written, or a call has hung
 * past its deadline (a frozen disk). Any of them makes the store down: {@code /health} answers 503,
 * the gauge {@code dps.store.up} is 0, devices get 503 with retry-after. One log line when it goes
 * down and one when it serves again; nothing here retries.
 */
public final class StoreHealth {

    private volatile String callFailure;
    private volatile String writeFailure;
    private volatile String stall;
    private boolean reportedDown;

    public StoreHealth(DpsMetrics metrics) {
        metrics.storeUp(this, h -> h.isUp() ? 1 : 0);
    }

    /** A store call answered. */
    public void succeeded() {
        if (callFailure != null) {
            callFailure = null;
            report();
        }
    }

    /** A store call failed. */
    public void failed(RuntimeException cause) {
        callFailure = String.valueOf(cause.getMessage());
        report();
    }

    /** A group of registration records was written. */
    public void writesSucceeded() {
        if (writeFailure != null) {
            writeFailure = null;
            report();
        }
    }

    /** A group of registration records could not be written (a full or read-only disk, a lost database). */
    public void writesFailed(RuntimeException cause) {
        writeFailure = String.valueOf(cause.getMessage());
        report();
    }

    /** From the store watchdog: whether a store call has now run past the call timeout. */
    public void stalled(boolean stalled, long callTimeoutMillis) {
        String now = stalled ? "a store call has not returned within " + callTimeoutMillis + " ms" : null;
        if (!Objects.equals(now, stall)) {
            stall = now;
            report();
        }
    }

    public boolean isUp() {
        return callFailure == null && writeFailure == null && stall == null;
    }

    /** Whether registration records cannot be written now: every record waiting to be written waits for the store. */
    public boolean writesFailing() {
        return writeFailure != null;
    }

    /** Whether calls hang: new work would only queue behind them, so it is refused at once. */
    public boolean isStalled() {
        return stall != null;
    }

    /** Why the store is down, or "up". */
    public String describe() {
        String why = stall != null ? stall : writeFailure != null ? writeFailure : callFailure;
        return why == null ? "up" : why;
    }

    private synchronized void report() {
        boolean down = !isUp();
        if (down && !reportedDown) {
            EventLog.storeUnavailable(describe());
        } else if (!down && reportedDown) {
            EventLog.storeAvailable();
        }
        reportedDown = down;
    }
}
