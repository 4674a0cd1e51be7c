package io.dpsemu.loadgen;

import io.dpsemu.loadgen.device.Device;
import io.dpsemu.loadgen.flow.FlowListener;
import io.dpsemu.loadgen.flow.FlowResult;
import io.dpsemu.loadgen.net.Connector;
import io.dpsemu.loadgen.stats.RunStatistics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * One phase of a run (warm-up or measured): starts flows on consecutive devices while fewer than
 * {@code concurrency} are running and the rate allows, until the device count or the time is
 * reached, then waits for the running ones to end. Flows are started from whichever thread saw
 * the previous one end, so no thread waits for work.
 */
final class FlowBatch implements FlowListener {

    private final RunPlan plan;
    private final Connector connector;
    private final RunStatistics stats;
    private final boolean measured;
    private final long endIndex;
    private final long deadlineNanos;
    private final StartPacer pacer;
    private final CountDownLatch done = new CountDownLatch(1);
    private long nextIndex;
    private int running;
    private boolean stopped;
    private boolean timerArmed;
    private volatile boolean closing;

    /**
     * @param count flows to start, {@link Long#MAX_VALUE} for as many as time allows
     * @param time how long to start flows, or null for no limit
     */
    FlowBatch(RunPlan plan, Connector connector, RunStatistics stats, boolean measured, long firstIndex, long count,
            Duration time) {
        this.plan = plan;
        this.connector = connector;
        this.stats = stats;
        this.measured = measured;
        this.nextIndex = firstIndex;
        this.endIndex =
                Math.min(plan.deviceSource().size(), count == Long.MAX_VALUE ? Long.MAX_VALUE : firstIndex + count);
        long now = System.nanoTime();
        this.deadlineNanos = time == null ? Long.MAX_VALUE : now + time.toNanos();
        this.pacer = new StartPacer(plan.rate(), now);
    }

    /** Runs the phase to its end; returns the index of the first device it did not use. */
    long run() throws InterruptedException {
        pump();
        done.await();
        synchronized (this) {
            return nextIndex;
        }
    }

    /** From now on, held sessions that close were closed by the run itself. */
    void closing() {
        closing = true;
    }

    @Override
    public void error(String kind, String registrationId, String detail) {
        stats.error(kind, registrationId + ": " + detail);
    }

    @Override
    public void finished(FlowResult result) {
        stats.finished(result);
        synchronized (this) {
            running--;
        }
        pump();
    }

    @Override
    public void heldSessionClosed() {
        if (!closing) {
            stats.heldSessionClosed();
            stats.error("session_lost", "a held session was closed by the server");
        }
    }

    private void pump() {
        List<Long> starting = new ArrayList<>();
        synchronized (this) {
            long now = System.nanoTime();
            while (!stopped && running < plan.concurrency()) {
                if (nextIndex >= endIndex || now >= deadlineNanos) {
                    stopped = true;
                    break;
                }
                long wait = pacer.waitNanos(now);
                if (wait > 0) {
                    if (!timerArmed) {
                        timerArmed = true;
                        connector.eventLoops().schedule(this::timerFired, wait, TimeUnit.NANOSECONDS);
                    }
                    break;
                }
                pacer.take();
                starting.add(nextIndex++);
                running++;
                stats.started(measured);
            }
            if (stopped && running == 0) {
                done.countDown();
            }
        }
        for (long index : starting) {
            Device device = plan.deviceSource().device(index);
            connector.launch(device, measured, this);
        }
    }

    private void timerFired() {
        synchronized (this) {
            timerArmed = false;
        }
        pump();
    }
}
