package io.dpsemu.loadgen.stats;

import io.dpsemu.loadgen.flow.Latency;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * What happens once per second while a run goes on: the progress line on a terminal and the
 * interval histograms of {@code --histogram}.
 */
public final class LiveOutput implements AutoCloseable {

    private final RunStatistics stats;
    private final PrintWriter terminal;
    private final HistogramLog log;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "loadgen-progress");
        thread.setDaemon(true);
        return thread;
    });
    private final long startNanos = System.nanoTime();
    private int lineLength;

    /**
     * @param terminal where the progress line goes, or null when not on a terminal
     * @param log the histogram log, or null
     */
    public LiveOutput(RunStatistics stats, PrintWriter terminal, HistogramLog log) {
        this.stats = stats;
        this.terminal = terminal;
        this.log = log;
        if (terminal != null || log != null) {
            timer.scheduleAtFixedRate(this::tick, 1, 1, TimeUnit.SECONDS);
        }
    }

    private synchronized void tick() {
        RunStatistics.Tick tick = stats.tick();
        if (log != null) {
            log.write(tick.intervals());
        }
        if (terminal != null) {
            Histogram flow = tick.intervals().get(Latency.FLOW);
            String line = String.format(Locale.ROOT,
                    "%4ds  %,7d flows/s  assigned %,d  errors %,d  in flight %,d%s  p50 %s  p99 %s",
                    TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - startNanos), tick.finished(), tick.assigned(),
                    tick.errors(), tick.inFlight(),
                    tick.held() > 0 ? String.format(Locale.ROOT, "  held %,d", tick.held()) : "",
                    millis(flow, 50), millis(flow, 99));
            terminal.print("\r" + line + " ".repeat(Math.max(0, lineLength - line.length())));
            terminal.flush();
            lineLength = line.length();
        }
    }

    private static String millis(Histogram microseconds, double percentile) {
        return microseconds.getTotalCount() == 0 ? "-"
                : String.format(Locale.ROOT, "%.1f ms", microseconds.getValueAtPercentile(percentile) / 1000.0);
    }

    /** Stops the timer, writes the last interval and clears the progress line. */
    @Override
    public synchronized void close() {
        timer.shutdownNow();
        if (log != null) {
            log.write(stats.tick().intervals());
            log.close();
        }
        if (terminal != null && lineLength > 0) {
            terminal.print("\r" + " ".repeat(lineLength) + "\r");
            terminal.flush();
        }
    }
}
