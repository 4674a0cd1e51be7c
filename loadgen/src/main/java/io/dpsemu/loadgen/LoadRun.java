package io.dpsemu.loadgen;

import io.dpsemu.loadgen.net.Connector;
import io.dpsemu.loadgen.stats.HistogramLog;
import io.dpsemu.loadgen.stats.LiveOutput;
import io.dpsemu.loadgen.stats.RunDescription;
import io.dpsemu.loadgen.stats.RunStatistics;
import io.dpsemu.loadgen.stats.Summary;
import io.dpsemu.loadgen.stats.SummaryTable;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Locale;

/** Runs a {@link RunPlan}: warm-up, then the measured phase (or the held sessions), then the summary. */
final class LoadRun {

    /** How long {@code --hold} keeps its sessions open when no {@code --duration} is given. */
    static final Duration DEFAULT_HOLD_TIME = Duration.ofSeconds(60);

    private final RunPlan plan;
    private final PrintWriter out;
    private final PrintWriter terminal;

    /** @param terminal where the live progress line goes, or null when not on a terminal */
    LoadRun(RunPlan plan, PrintWriter out, PrintWriter terminal) {
        this.plan = plan;
        this.out = out;
        this.terminal = terminal;
    }

    /** @return the summary of the run */
    Summary run() throws InterruptedException {
        RunStatistics stats = new RunStatistics();
        LiveOutput live = new LiveOutput(stats, terminal,
                plan.histogramFile() == null ? null : new HistogramLog(plan.histogramFile()));
        try (Connector connector = new Connector(plan.transport(), plan.address(), plan.host(), plan.port(), plan.tls(),
                plan.flow(), plan.threads())) {
            long next = 0;
            Warmup warmup = plan.warmup();
            if (!warmup.isNone()) {
                next = new FlowBatch(plan, connector, stats, false, 0,
                        warmup.isTimed() ? Long.MAX_VALUE : warmup.devices(),
                        warmup.isTimed() ? warmup.time() : null).run();
            }
            stats.beginMeasurement();
            if (plan.isHold()) {
                hold(connector, stats, next);
            } else {
                new FlowBatch(plan, connector, stats, true, next, plan.devices(), plan.duration()).run();
            }
            stats.endMeasurement();
        } finally {
            live.close();
        }
        Summary summary = stats.summary(description(), plan.isHold());
        SummaryTable.print(summary, out);
        String json = summary.toJson();
        out.println(json);
        out.flush();
        if (plan.jsonFile() != null) {
            try {
                Files.writeString(plan.jsonFile(), json + "\n", StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write --json " + plan.jsonFile() + ": " + e.getMessage(), e);
            }
        }
        return summary;
    }

    private void hold(Connector connector, RunStatistics stats, long firstIndex) throws InterruptedException {
        FlowBatch opening = new FlowBatch(plan, connector, stats, true, firstIndex, plan.hold(), null);
        opening.run();
        Duration time = plan.duration() == null ? DEFAULT_HOLD_TIME : plan.duration();
        // the bench script waits for this line before it measures the server's memory
        out.printf(Locale.ROOT, "holding %d sessions for %d s%n", stats.held(), time.toSeconds());
        out.flush();
        Thread.sleep(time.toMillis());
        opening.closing();
        connector.closeHeldSessions();
    }

    private RunDescription description() {
        return new RunDescription(plan.transport().label(), plan.host(), plan.port(), plan.flow().idScope(),
                plan.deviceSource().attestation(), plan.concurrency(), plan.rate() > 0 ? plan.rate() : null,
                plan.flow().pacing().name().toLowerCase(Locale.ROOT), plan.tlsResumption(), plan.tlsProtocol(),
                plan.threads());
    }
}
