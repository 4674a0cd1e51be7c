package io.dpsemu.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** One line per interval with a count, on an embedded event loop whose clock the test moves. */
class RateLimitedLogTest {

    private static final Duration INTERVAL = Duration.ofSeconds(10);

    private final EmbeddedChannel loop = new EmbeddedChannel();
    private final List<String> lines = new ArrayList<>();
    private final RateLimitedLog log;

    RateLimitedLogTest() {
        loop.freezeTime();
        log = new RateLimitedLog(loop.eventLoop(), INTERVAL,
                (count, seconds, latest) -> lines.add(count + " in " + seconds + " s, latest " + latest));
    }

    @AfterEach
    void close() {
        loop.finishAndReleaseAll();
    }

    @Test
    void record_manyTimesInOneInterval_thenOneLineWithTheCountAtItsEnd() {
        for (int i = 1; i <= 1000; i++) {
            log.record("refusal " + i);
        }
        advance(INTERVAL.minusMillis(1));
        assertThat(lines).as("nothing before the interval ends").isEmpty();

        advance(Duration.ofMillis(1));

        assertThat(lines).containsExactly("1000 in 10 s, latest refusal 1000");
    }

    @Test
    void record_inTwoIntervals_thenOneLineEach_andNoneForAQuietOne() {
        log.record("a");
        advance(INTERVAL);
        log.record("b");
        log.record("c");
        advance(INTERVAL);
        advance(INTERVAL);

        assertThat(lines).containsExactly("1 in 10 s, latest a", "2 in 10 s, latest c");
    }

    private void advance(Duration duration) {
        loop.advanceTimeBy(duration.toNanos(), TimeUnit.NANOSECONDS);
        loop.runScheduledPendingTasks();
    }
}
