package io.dpsemu.loadgen.stats;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The result of a run, printed as the last line of stdout (and to {@code --json FILE}). Counts,
 * rates and latencies cover the measured flows; {@code errors} counts every error of the run,
 * warm-up included, since an error there is as real as anywhere.
 *
 * @param held sessions open at the end of the opening phase ({@code --hold} only, else null)
 * @param flowsPerSecond null when nothing was measured
 * @param clientCpu null when the JVM cannot tell its CPU time
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Summary(
        RunDescription run,
        long started,
        long assigned,
        long failed,
        Long held,
        Counts warmup,
        Map<String, Long> errors,
        Map<String, String> errorExamples,
        double measuredSeconds,
        Rates flowsPerSecond,
        Map<String, Latencies> latencyMs,
        Polls pollsPerFlow,
        Cpu clientCpu) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** No error at all, and every flow ended as it should. */
    @JsonIgnore
    public boolean isClean() {
        return errors.isEmpty() && failed == 0 && warmup.failed() == 0;
    }

    /** The summary as one line of JSON. */
    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    public record Counts(long started, long assigned, long failed) {
    }

    /** @param steady flows/s between the first completion and the last start, or null when too short to tell */
    public record Rates(double overall, Double steady) {
    }

    public record Latencies(int count, double p50, double p90, double p99, double p999, double max) {

        static Latencies ofNanos(Distribution d) {
            return new Latencies(d.count(), millis(d.p50()), millis(d.p90()), millis(d.p99()), millis(d.p999()),
                    millis(d.max()));
        }

        private static double millis(long nanos) {
            return Math.round(nanos / 1_000.0) / 1_000.0;
        }
    }

    public record Polls(int count, double mean, long p50, long p90, long p99, long p999, long max) {

        static Polls of(Distribution d) {
            return new Polls(d.count(), Math.round(d.mean() * 1000) / 1000.0, d.p50(), d.p90(), d.p99(), d.p999(),
                    d.max());
        }
    }

    public record Cpu(double ms, Double msPerFlow) {
    }
}
