package io.dpsemu.server.provisioning;

import io.dpsemu.protocol.LogSafe;
import io.dpsemu.server.metrics.DpsMetrics;
import io.dpsemu.server.metrics.StoreHealth;
import io.dpsemu.store.OperationRecord;
import io.dpsemu.store.RegistrationRecord;
import io.dpsemu.store.Store;
import io.dpsemu.store.StoreUnavailableException;
import io.dpsemu.store.WriteBatch;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes registration records in groups, on its own thread ({@value EngineThreads#COMMIT}): the
 * records that arrive while one transaction commits go into the next, so under load many
 * registrations share one transaction and one sync to disk (group commit), while a lone record is
 * written at once. Each record's operation finishes only after its transaction has committed, so
 * nobody is told {@code assigned} before the record is durable. On a shared store the finished
 * operations ride along in the next transaction.
 *
 * <p>A write that fails for a transient cause (a full or read-only disk, a lost database) is
 * retried with back-off; meanwhile the operations say why, so polls get 503 with retry-after, and
 * the store is reported down. Records still unwritten after the give-up time are abandoned (their
 * operations are forgotten; the devices register again). A record the store refuses as invalid is
 * found by writing the group one by one, and only its operation fails.
 */
final class RecordCommitter implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RecordCommitter.class);
    private static final long FIRST_BACKOFF_MILLIS = 50;
    private static final long MAX_BACKOFF_MILLIS = 5_000;
    private static final Object STOP = new Object();

    /**
     * A record to write for an operation.
     *
     * @param onDurable runs on the commit thread with the record as stored, once durable
     * @param onRefused runs on the commit thread when the store refuses the record as invalid
     */
    record Pending(Operation operation, RegistrationRecord record, Consumer<RegistrationRecord> onDurable,
            Consumer<RuntimeException> onRefused) {
    }

    /** Pending records and operations to share; bounded by the operations in flight, which the table bounds. */
    private final BlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    private final Store store;
    private final StoreHealth health;
    private final StoreWatchdog watchdog;
    private final DpsMetrics metrics;
    private final Consumer<Operation> giveUp;
    private final int maxBatch;
    private final long maxWaitNanos;
    private final long giveUpNanos;
    private final Thread thread;

    /**
     * @param giveUp      forgets an operation whose record could not be written within {@code giveUpSeconds}
     * @param maxWaitMicros how long a group may wait for more records once it has one; 0 to take only
     *                    what arrived during the previous commit
     */
    RecordCommitter(Store store, StoreHealth health, StoreWatchdog watchdog, DpsMetrics metrics,
            Consumer<Operation> giveUp, int maxBatch, long maxWaitMicros, long giveUpSeconds) {
        this.store = store;
        this.health = health;
        this.watchdog = watchdog;
        this.metrics = metrics;
        this.giveUp = giveUp;
        this.maxBatch = maxBatch;
        this.maxWaitNanos = TimeUnit.MICROSECONDS.toNanos(maxWaitMicros);
        this.giveUpNanos = TimeUnit.SECONDS.toNanos(giveUpSeconds);
        this.thread = new Thread(this::run, EngineThreads.COMMIT);
        thread.setDaemon(true);
        thread.start();
    }

    void submit(Pending pending) {
        queue.add(pending);
    }

    /** Writes a finished operation for the other nodes of a shared store, with the next group. */
    void share(OperationRecord finished) {
        queue.add(finished);
    }

    /** Writes what is queued, then stops. */
    @Override
    public void close() {
        queue.add(STOP);
        try {
            thread.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        thread.interrupt();
    }

    private void run() {
        int slot = watchdog.register();
        List<Object> items = new ArrayList<>();
        try {
            while (true) {
                items.add(queue.take());
                queue.drainTo(items, maxBatch - items.size());
                waitForMore(items);
                boolean stop = items.remove(STOP);
                commit(items, slot);
                items.clear();
                if (stop) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            LOG.warn("record committer stopped with {} writes queued", queue.size() + items.size());
        }
    }

    private void waitForMore(List<Object> items) throws InterruptedException {
        long deadline = System.nanoTime() + maxWaitNanos;
        while (maxWaitNanos > 0 && items.size() < maxBatch && !items.contains(STOP)) {
            long left = deadline - System.nanoTime();
            Object next = left > 0 ? queue.poll(left, TimeUnit.NANOSECONDS) : null;
            if (next == null) {
                return;
            }
            items.add(next);
        }
    }

    /**
     * Writes the items in one transaction; when the store refuses the group, each alone, so only an invalid one fails.
     */
    private void commit(List<Object> items, int slot) throws InterruptedException {
        List<Pending> pending = new ArrayList<>();
        List<OperationRecord> operations = new ArrayList<>();
        for (Object item : items) {
            if (item instanceof Pending p) {
                pending.add(p);
            } else {
                operations.add((OperationRecord) item);
            }
        }
        try {
            writeUntilStored(pending, operations, slot);
        } catch (RuntimeException refused) {
            if (items.size() > 1) {
                for (Object item : items) {
                    commit(List.of(item), slot);
                }
            } else if (pending.isEmpty()) {
                LOG.error("operation {} refused by the store", LogSafe.of(operations.get(0).operationId()), refused);
            } else {
                LOG.error("registration record of {} refused by the store",
                        LogSafe.of(pending.get(0).operation().registrationId()), refused);
                pending.get(0).onRefused().accept(refused);
            }
        }
    }

    /** Retries transient failures with back-off; other failures are the caller's to sort out. */
    private void writeUntilStored(List<Pending> pending, List<OperationRecord> operations, int slot)
            throws InterruptedException {
        long backoffMillis = FIRST_BACKOFF_MILLIS;
        while (true) {
            try {
                write(pending, operations, slot);
                return;
            } catch (StoreUnavailableException e) {
                health.writesFailed(e);
                pending.removeIf(this::givenUp);
                if (pending.isEmpty() && operations.isEmpty()) {
                    return;
                }
                LOG.warn("{} registration records could not be written, retrying in {} ms: {}", pending.size(),
                        backoffMillis, LogSafe.of(e.getMessage()));
                pending.forEach(p -> p.operation().storeTrouble(e.getMessage()));
                TimeUnit.MILLISECONDS.sleep(backoffMillis);
                backoffMillis = Math.min(backoffMillis * 2, MAX_BACKOFF_MILLIS);
            }
        }
    }

    private void write(List<Pending> pending, List<OperationRecord> operations, int slot) {
        List<RegistrationRecord> records = new ArrayList<>(pending.size());
        pending.forEach(p -> records.add(p.record()));
        List<RegistrationRecord> stored = null;
        long started = System.nanoTime();
        watchdog.started(slot);
        try {
            stored = store.write(new WriteBatch(records, operations));
        } finally {
            watchdog.ended(slot);
            metrics.storeCommit(records.size(), stored != null, Duration.ofNanos(System.nanoTime() - started));
        }
        health.writesSucceeded();
        for (int i = 0; i < pending.size(); i++) {
            try {
                pending.get(i).onDurable().accept(stored.get(i));
            } catch (RuntimeException e) {
                // the record is durable: a failure to answer must not make the group look unwritten
                LOG.error("finishing the operation of {} failed",
                        LogSafe.of(pending.get(i).operation().registrationId()), e);
            }
        }
    }

    private boolean givenUp(Pending pending) {
        if (System.nanoTime() - pending.operation().startedNanos() <= giveUpNanos) {
            return false;
        }
        LOG.warn("registration record of {} given up after {} s of store failures; the device must register again",
                LogSafe.of(pending.operation().registrationId()), TimeUnit.NANOSECONDS.toSeconds(giveUpNanos));
        giveUp.accept(pending.operation());
        return true;
    }
}
