package io.dpsemu.loadgen.stats;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;

/** The summary for a person reading the terminal; the JSON line that follows it is for programs. */
public final class SummaryTable {

    private SummaryTable() {
    }

    public static void print(Summary s, PrintWriter out) {
        RunDescription run = s.run();
        out.printf(Locale.ROOT, "%n%s to %s:%d, %s, concurrency %d%s, poll %s, %s %s%n", run.transport(), run.host(),
                run.port(), run.attestation(), run.concurrency(),
                run.rate() == null ? "" : String.format(Locale.ROOT, ", rate %.1f/s", run.rate()), run.poll(),
                run.tlsVersion(), run.tlsResumption() ? "with resumption" : "full handshakes");
        if (s.held() != null) {
            out.printf(Locale.ROOT, "sessions   started %,d  held %,d  failed %,d%n", s.started(), s.held(),
                    s.failed());
        } else {
            out.printf(Locale.ROOT, "flows      started %,d  assigned %,d  failed %,d"
                            + "   (warm-up: started %,d  assigned %,d  failed %,d)%n",
                    s.started(), s.assigned(), s.failed(),
                    s.warmup().started(), s.warmup().assigned(), s.warmup().failed());
        }
        if (s.errors().isEmpty()) {
            out.println("errors     none");
        } else {
            out.println("errors");
            for (Map.Entry<String, Long> e : s.errors().entrySet()) {
                out.printf(Locale.ROOT, "  %-22s %,9d   e.g. %s%n", e.getKey(), e.getValue(),
                        s.errorExamples().get(e.getKey()));
            }
        }
        if (s.flowsPerSecond() != null) {
            Double steady = s.flowsPerSecond().steady();
            out.printf(Locale.ROOT, "flows/s    overall %,.1f  steady %s   (measured %.3f s)%n",
                    s.flowsPerSecond().overall(),
                    steady == null ? "n/a" : String.format(Locale.ROOT, "%,.1f", steady),
                    s.measuredSeconds());
        }
        if (!s.latencyMs().isEmpty()) {
            out.printf(Locale.ROOT, "%-20s %8s %9s %9s %9s %9s %9s%n",
                    "latency ms", "count", "p50", "p90", "p99", "p99.9", "max");
            s.latencyMs().forEach((name, l) -> out.printf(Locale.ROOT, "  %-18s %8d %9.3f %9.3f %9.3f %9.3f %9.3f%n",
                    name, l.count(), l.p50(), l.p90(), l.p99(), l.p999(), l.max()));
        }
        if (s.pollsPerFlow() != null) {
            Summary.Polls p = s.pollsPerFlow();
            out.printf(Locale.ROOT, "polls/flow mean %.3f  p50 %d  p90 %d  p99 %d  p99.9 %d  max %d%n",
                    p.mean(), p.p50(), p.p90(), p.p99(), p.p999(), p.max());
        }
        if (s.clientCpu() != null) {
            Double msPerFlow = s.clientCpu().msPerFlow();
            String perFlow = msPerFlow == null ? ""
                    : String.format(Locale.ROOT, " (%.3f ms per %s)", msPerFlow, s.held() == null ? "flow" : "session");
            out.printf(Locale.ROOT, "client CPU %,.1f ms%s%n", s.clientCpu().ms(), perFlow);
        }
    }
}
