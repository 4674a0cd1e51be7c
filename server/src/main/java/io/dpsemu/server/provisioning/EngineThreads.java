package io.dpsemu.server.provisioning;

/**
 * Which thread runs which step of the engine, and the checks that pin it (assertions: on in the
 * tests, free in production).
 *
 * <ul>
 *   <li>transport event loops: the checks that need no store (registration id, quotas, a stalled
 *       store) and polls of operations this node holds; they never call the store.</li>
 *   <li>{@value #STORE}N ({@link StoreExecutor}): admission (credentials, fault rules, the
 *       operation, a webhook slot), then on the same thread the reads and the decision of the
 *       assignment; status lookups and polls that need the store.</li>
 *   <li>{@value #COMMIT} ({@link RecordCommitter}): writes registration records in groups, one
 *       transaction per group, and finishes their operations once durable.</li>
 *   <li>{@value #TIMER} ({@link EngineTimer}): store deadlines, bounded poll waits, fault delays and
 *       the store watchdog; only completes answers, never calls the store.</li>
 *   <li>custom allocation webhook threads (the JDK HTTP client's): decide the assignment from the
 *       webhook's reply and hand the record to the committer.</li>
 * </ul>
 *
 * Device answers complete on whichever of these threads; transports always hop back to the
 * connection's event loop before writing.
 */
final class EngineThreads {

    static final String STORE = "dps-store-";
    static final String COMMIT = "dps-commit";
    static final String TIMER = "dps-engine-timer";

    private EngineThreads() {
    }

    /** For {@code assert}: the current thread is a store worker. */
    static boolean onStoreThread() {
        return Thread.currentThread().getName().startsWith(STORE);
    }

    /** For {@code assert}: the current thread is the record committer. */
    static boolean onCommitThread() {
        return Thread.currentThread().getName().equals(COMMIT);
    }

    static String current() {
        return Thread.currentThread().getName();
    }
}
