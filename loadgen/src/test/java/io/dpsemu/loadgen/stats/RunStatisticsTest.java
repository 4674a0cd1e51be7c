package io.dpsemu.loadgen.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import io.dpsemu.loadgen.flow.FlowResult.Outcome;
import io.dpsemu.loadgen.flow.FlowResult;
import io.dpsemu.loadgen.flow.Latency;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RunStatisticsTest {

    private static final long MS = 1_000_000L;
    private static final RunDescription RUN = new RunDescription("mqtt", "localhost", 8883, "0ne00000001", "group-key",
            2, null, "sdk", false, "TLSv1.2", 2);

    private long now;
    private final RunStatistics stats = new RunStatistics(() -> now);

    @Test
    void counts_separateWarmupFromMeasuredFlows() {
        stats.started(false);
        stats.finished(assigned(false, 5 * MS, 1, 0));
        stats.beginMeasurement();
        stats.started(true);
        stats.started(true);
        stats.finished(assigned(true, 10 * MS, 1, 100 * MS));
        stats.finished(failed(true, 120 * MS));

        Summary summary = stats.summary(RUN, false);

        assertThat(summary.warmup()).isEqualTo(new Summary.Counts(1, 1, 0));
        assertThat(summary.started()).isEqualTo(2);
        assertThat(summary.assigned()).isEqualTo(1);
        assertThat(summary.failed()).isEqualTo(1);
        assertThat(summary.latencyMs().get("flow").count()).isEqualTo(1);
        assertThat(summary.latencyMs().get("flow").p50()).isEqualTo(10.0);
        assertThat(summary.isClean()).isFalse();
    }

    @Test
    void errors_areCountedByKindWithTheFirstExample() {
        stats.error("http_429", "d-1: throttled");
        stats.error("http_429", "d-2: throttled");
        stats.error("tls", "d-3: handshake failed");

        Summary summary = stats.summary(RUN, false);

        assertThat(summary.errors()).isEqualTo(Map.of("http_429", 2L, "tls", 1L));
        assertThat(summary.errorExamples()).containsEntry("http_429", "d-1: throttled");
        assertThat(summary.isClean()).isFalse();
    }

    @Test
    void steadyRate_leavesOutTheRampBeforeTheFirstCompletionAndTheDrainAfterTheLastStart() {
        stats.beginMeasurement();
        // three flows start at 0 ms; the first completes at 100 ms; then one completion and one start every 10 ms
        stats.started(true);
        stats.started(true);
        stats.started(true);
        stats.finished(assigned(true, 100 * MS, 1, 100 * MS));
        for (int i = 1; i <= 100; i++) {
            now = (100 + 10 * i) * MS;
            stats.started(true);
            stats.finished(assigned(true, 100 * MS, 1, now));
        }
        // the drain: the last two flows finish long after the last start
        stats.finished(assigned(true, 100 * MS, 1, 1_500 * MS));
        stats.finished(assigned(true, 100 * MS, 1, 1_600 * MS));

        Summary.Rates rates = stats.summary(RUN, false).flowsPerSecond();

        assertThat(rates.steady()).isEqualTo(100.0);
        assertThat(rates.overall()).isEqualTo(103 / 1.6, offset(0.1));
    }

    @Test
    void polls_areCountedPerAssignedFlow() {
        stats.beginMeasurement();
        for (int polls : new int[] {1, 1, 2, 5}) {
            stats.started(true);
            stats.finished(assigned(true, MS, polls, MS));
        }

        Summary.Polls polls = stats.summary(RUN, false).pollsPerFlow();

        assertThat(polls.count()).isEqualTo(4);
        assertThat(polls.mean()).isEqualTo(2.25);
        assertThat(polls.p50()).isEqualTo(1);
        assertThat(polls.max()).isEqualTo(5);
    }

    @Test
    void heldSessions_countAsHeldUntilTheServerClosesOne() {
        stats.beginMeasurement();
        for (int i = 0; i < 3; i++) {
            stats.started(true);
            stats.finished(new FlowResult(true, Outcome.HELD, latencies(-1), 0, MS));
        }
        stats.heldSessionClosed();

        Summary summary = stats.summary(RUN, true);

        assertThat(summary.held()).isEqualTo(2);
        assertThat(summary.flowsPerSecond()).isNull();
        assertThat(summary.pollsPerFlow()).isNull();
    }

    @Test
    void summaryJson_carriesTheCountsAndLatencies() {
        stats.beginMeasurement();
        stats.started(true);
        stats.finished(assigned(true, 7 * MS, 1, 50 * MS));

        String json = stats.summary(RUN, false).toJson();

        assertThat(json).startsWith("{\"run\":{\"transport\":\"mqtt\"").contains("\"assigned\":1")
                .contains("\"errors\":{}").contains("\"flow\":{\"count\":1,\"p50\":7.0").doesNotContain("\"held\"")
                .doesNotContain("clean");
    }

    private static FlowResult assigned(boolean measured, long flowNanos, int polls, long endNanos) {
        long[] latencies = latencies(-1);
        latencies[Latency.FLOW.ordinal()] = flowNanos;
        latencies[Latency.REGISTER_TO_ASSIGNED.ordinal()] = flowNanos / 2;
        return new FlowResult(measured, Outcome.ASSIGNED, latencies, polls, endNanos);
    }

    private static FlowResult failed(boolean measured, long endNanos) {
        return new FlowResult(measured, Outcome.FAILED, latencies(-1), 0, endNanos);
    }

    private static long[] latencies(long value) {
        long[] latencies = new long[Latency.values().length];
        Arrays.fill(latencies, value);
        return latencies;
    }
}
