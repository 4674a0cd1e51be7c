package io.dpsemu.loadgen.stats;

import io.dpsemu.loadgen.flow.FlowResult.Outcome;
import io.dpsemu.loadgen.flow.FlowResult;
import io.dpsemu.loadgen.flow.Latency;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Everything counted during a run. Flows report from several event loops, so every method takes
 * the one lock: a few thousand short calls per second do not contend enough to matter.
 */
public final class RunStatistics {

    private static final int SIGNIFICANT_DIGITS = 3;
    /** Indexes of the counts of a phase (warm-up or measured). */
    private static final int STARTED = 0;
    private static final int ASSIGNED = 1;
    private static final int FAILED = 2;

    private final Map<String, Long> errors = new TreeMap<>();
    private final Map<String, String> errorExamples = new TreeMap<>();
    private final Map<Latency, Samples> latencies = new EnumMap<>(Latency.class);
    private final Map<Latency, Recorder> live = new EnumMap<>(Latency.class);
    private final Samples polls = new Samples();
    private final Samples completions = new Samples();
    private final long[] warmup = new long[3];
    private final long[] measured = new long[3];
    private long inFlight;
    private long held;
    private long finishedSinceTick;
    private long measureStartNanos = -1;
    private long measureEndNanos = -1;
    private long lastMeasuredStartNanos = -1;
    private long firstMeasuredCompletionNanos = -1;
    private long lastMeasuredEndNanos = -1;
    private long cpuStartNanos = -1;
    private long cpuEndNanos = -1;

    private final LongSupplier nanoClock;

    public RunStatistics() {
        this(System::nanoTime);
    }

    /** @param nanoClock {@link System#nanoTime()}, or a test's clock */
    RunStatistics(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
        for (Latency latency : Latency.values()) {
            latencies.put(latency, new Samples());
            live.put(latency, new Recorder(SIGNIFICANT_DIGITS));
        }
    }

    /** What the run does per second, for the progress line and the histogram log. */
    public record Tick(long finished, long assigned, long errors, long inFlight, long held,
            Map<Latency, Histogram> intervals) {
    }

    public synchronized void beginMeasurement() {
        measureStartNanos = nanoClock.getAsLong();
        cpuStartNanos = ProcessCpu.nanos();
    }

    public synchronized void endMeasurement() {
        measureEndNanos = nanoClock.getAsLong();
        cpuEndNanos = ProcessCpu.nanos();
    }

    public synchronized void started(boolean isMeasured) {
        inFlight++;
        (isMeasured ? measured : warmup)[STARTED]++;
        if (isMeasured) {
            lastMeasuredStartNanos = nanoClock.getAsLong();
        }
    }

    public synchronized void finished(FlowResult result) {
        inFlight--;
        finishedSinceTick++;
        long[] counts = result.measured() ? measured : warmup;
        switch (result.outcome()) {
            case ASSIGNED -> counts[ASSIGNED]++;
            case FAILED -> counts[FAILED]++;
            case HELD -> held++;
        }
        for (Latency latency : Latency.values()) {
            long nanos = result.latency(latency);
            if (nanos >= 0) {
                live.get(latency).recordValue(TimeUnit.NANOSECONDS.toMicros(nanos));
                if (result.measured()) {
                    latencies.get(latency).add(nanos);
                }
            }
        }
        if (result.measured()) {
            lastMeasuredEndNanos = result.endNanos();
            if (result.outcome() == Outcome.ASSIGNED) {
                polls.add(result.polls());
                completions.add(result.endNanos());
                if (firstMeasuredCompletionNanos < 0) {
                    firstMeasuredCompletionNanos = result.endNanos();
                }
            }
        }
    }

    public synchronized void error(String kind, String detail) {
        errors.merge(kind, 1L, Long::sum);
        errorExamples.putIfAbsent(kind, detail);
    }

    public synchronized void heldSessionClosed() {
        held--;
    }

    public synchronized long inFlight() {
        return inFlight;
    }

    public synchronized long held() {
        return held;
    }

    /** The counts of now and the latency histograms since the previous tick (in microseconds). */
    public synchronized Tick tick() {
        Map<Latency, Histogram> intervals = new EnumMap<>(Latency.class);
        live.forEach((latency, recorder) -> intervals.put(latency, recorder.getIntervalHistogram()));
        long finished = finishedSinceTick;
        finishedSinceTick = 0;
        return new Tick(finished, warmup[ASSIGNED] + measured[ASSIGNED],
                errors.values().stream().mapToLong(Long::longValue).sum(), inFlight, held, intervals);
    }

    /**
     * @param hold whether the run held sessions instead of provisioning
     */
    public synchronized Summary summary(RunDescription run, boolean hold) {
        double seconds = measureStartNanos < 0 ? 0
                : ((lastMeasuredEndNanos > 0 ? lastMeasuredEndNanos : measureEndNanos) - measureStartNanos) / 1e9;
        Map<String, Summary.Latencies> latencyMs = new LinkedHashMap<>();
        latencies.forEach((latency, samples) -> {
            if (samples.size() > 0) {
                latencyMs.put(latency.key(), Summary.Latencies.ofNanos(samples.distribution()));
            }
        });
        long cpu = cpuStartNanos < 0 || cpuEndNanos < 0 ? -1 : cpuEndNanos - cpuStartNanos;
        long flows = hold ? held : measured[ASSIGNED];
        return new Summary(run, measured[STARTED], measured[ASSIGNED], measured[FAILED], hold ? held : null,
                new Summary.Counts(warmup[STARTED], warmup[ASSIGNED], warmup[FAILED]),
                new TreeMap<>(errors), new TreeMap<>(errorExamples),
                round(seconds, 3),
                seconds > 0 && !hold ? new Summary.Rates(round(measured[ASSIGNED] / seconds, 1), steadyRate()) : null,
                latencyMs,
                hold || polls.size() == 0 ? null : Summary.Polls.of(polls.distribution()),
                cpu < 0 ? null : new Summary.Cpu(round(cpu / 1e6, 1), flows == 0 ? null : round(cpu / 1e6 / flows, 3)));
    }

    /**
     * Flows/s once the run is under way and before it drains: from the first measured completion
     * (the pipeline is full) to the last measured start (after which fewer flows run).
     */
    private Double steadyRate() {
        if (firstMeasuredCompletionNanos < 0 || lastMeasuredStartNanos <= firstMeasuredCompletionNanos) {
            return null;
        }
        long window = lastMeasuredStartNanos - firstMeasuredCompletionNanos;
        return round(completions.countWithin(firstMeasuredCompletionNanos, lastMeasuredStartNanos) / (window / 1e9), 1);
    }

    private static double round(double value, int decimals) {
        double scale = Math.pow(10, decimals);
        return Math.round(value * scale) / scale;
    }
}
