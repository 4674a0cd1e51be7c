package io.dpsemu.server.metrics;

import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the store answers, as the last store call found it: one log line when it goes down, one
 * when it comes back, and the gauge {@code dps.store.up} (1 or 0) for alerts. Store calls report
 * each outcome; nothing here retries (the connection pool reconnects by itself).
 */
public final class StoreHealth {

    private static final Logger LOG = LoggerFactory.getLogger("dps.events");

    private final AtomicBoolean up = new AtomicBoolean(true);

    public StoreHealth(DpsMetrics metrics) {
        metrics.registry().gauge("dps.store.up", up, u -> u.get() ? 1 : 0);
    }

    public void succeeded() {
        if (up.compareAndSet(false, true)) {
            LOG.info("DPS-5002 the store answers again; devices are served normally");
        }
    }

    public void failed(RuntimeException cause) {
        if (up.compareAndSet(true, false)) {
            LOG.error("DPS-5001 the store is unavailable; devices get 503 with retry-after until it returns: {}",
                    cause.getMessage());
        }
    }

    public boolean isUp() {
        return up.get();
    }
}
