package io.dpsemu.server.provisioning;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The bounded pool that runs every store call, so event loops never block. A full queue rejects
 * work at once ({@link RejectedExecutionException}); the caller answers 429 instead of queueing.
 */
public final class StoreExecutor implements AutoCloseable {

    private final ThreadPoolExecutor pool;

    public StoreExecutor(int threads, int queueCapacity) {
        AtomicInteger counter = new AtomicInteger();
        ThreadFactory factory = task -> {
            Thread thread = new Thread(task, "dps-store-" + counter.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
        this.pool = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(queueCapacity), factory, new ThreadPoolExecutor.AbortPolicy());
    }

    /** Runs the task on a store thread; throws RejectedExecutionException when the queue is full. */
    public void execute(Runnable task) {
        pool.execute(task);
    }

    public int queued() {
        return pool.getQueue().size();
    }

    @Override
    public void close() {
        pool.shutdown();
        try {
            if (!pool.awaitTermination(10, TimeUnit.SECONDS)) {
                pool.shutdownNow();
            }
        } catch (InterruptedException e) {
            pool.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
