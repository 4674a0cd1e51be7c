package io.dpsemu.loadgen.flow;


/**
 * How one device's flow ended.
 *
 * @param measured false for warm-up flows
 * @param latencyNanos by {@link Latency} ordinal; -1 for a part the flow did not reach or have
 * @param polls status requests sent after the register
 * @param endNanos {@link System#nanoTime()} when it ended
 */
public record FlowResult(boolean measured, Outcome outcome, long[] latencyNanos, int polls, long endNanos) {

    public enum Outcome {
        ASSIGNED,
        /** Any other end: refused, failed, disabled, timed out, connection lost. */
        FAILED,
        /** Connected and subscribed, kept open ({@code --hold}). */
        HELD
    }

    public long latency(Latency latency) {
        return latencyNanos[latency.ordinal()];
    }
}
