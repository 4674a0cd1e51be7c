package io.dpsemu.server.provisioning;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The bounded pool that runs every store call, so event loops never block, and the deadline of
 * each call. A full queue rejects work at once ({@link RejectedExecutionException}): the caller
 * answers 429 instead of queueing. A call the store does not let finish within the
 * {@linkplain StoreWatchdog#callTimeout() call timeout} is answered by its timeout answer, and the
 * {@link StoreWatchdog} sees the store stalled.
 */
public final class StoreExecutor implements AutoCloseable {

    private final ThreadPoolExecutor pool;
    private final StoreWatchdog watchdog;
    private final EngineTimer timer;
    private final long callTimeoutMillis;
    private final ThreadLocal<Integer> slot = new ThreadLocal<>();

    public StoreExecutor(int threads, int queueCapacity, StoreWatchdog watchdog, EngineTimer timer) {
        this.watchdog = watchdog;
        this.timer = timer;
        this.callTimeoutMillis = watchdog.callTimeout().toMillis();
        AtomicInteger counter = new AtomicInteger();
        ThreadFactory factory = task -> {
            Thread thread = new Thread(() -> {
                slot.set(watchdog.register());
                task.run();
            }, EngineThreads.STORE + counter.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
        this.pool = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(queueCapacity), factory, new ThreadPoolExecutor.AbortPolicy());
    }

    /**
     * Runs {@code task} on a store thread with the answer it must complete. An answer not complete
     * within the call timeout is completed with {@code timedOut}'s value, on the timer thread; a
     * task still queued by then is skipped, one still running finishes unheard.
     *
     * @throws RejectedExecutionException when the queue is full
     */
    public <T> CompletableFuture<T> submit(Consumer<CompletableFuture<T>> task, Supplier<T> timedOut) {
        CompletableFuture<T> answer = new CompletableFuture<>();
        ScheduledFuture<?> deadline = timer.schedule(() -> answer.complete(timedOut.get()), callTimeoutMillis);
        answer.whenComplete((value, error) -> deadline.cancel(false));
        try {
            execute(() -> {
                if (!answer.isDone()) {
                    task.accept(answer);
                }
            });
        } catch (RejectedExecutionException e) {
            deadline.cancel(false);
            throw e;
        }
        return answer;
    }

    /** Runs a task that answers nobody (housekeeping); throws RejectedExecutionException when the queue is full. */
    public void execute(Runnable task) {
        pool.execute(() -> {
            int mine = slot.get();
            watchdog.started(mine);
            try {
                task.run();
            } finally {
                watchdog.ended(mine);
            }
        });
    }

    public StoreWatchdog watchdog() {
        return watchdog;
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
