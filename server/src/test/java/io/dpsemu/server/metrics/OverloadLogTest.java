package io.dpsemu.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class OverloadLogTest {

    private final List<String> lines = new ArrayList<>();
    private final OverloadLog log = new OverloadLog((cause, refused) -> lines.add(cause + " x" + refused));

    @Test
    void refused_whenAFloodArrivesWithinOneSecond_thenOneLineCountsThem() {
        long start = TimeUnit.SECONDS.toNanos(100);
        for (int i = 0; i < 10_000; i++) {
            log.refused("queue full", start + i);
        }

        assertThat(lines).containsExactly("queue full x1");

        log.refused("queue full", start + TimeUnit.SECONDS.toNanos(1));
        assertThat(lines).containsExactly("queue full x1", "queue full x10000");
    }

    @Test
    void refused_whenCausesDiffer_thenEachIsReportedOnItsOwn() {
        log.refused("queue full", 0);
        log.refused("table full", 0);

        assertThat(lines).containsExactly("queue full x1", "table full x1");
    }
}
