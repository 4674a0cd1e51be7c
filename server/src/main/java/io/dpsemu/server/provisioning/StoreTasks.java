package io.dpsemu.server.provisioning;

import io.dpsemu.protocol.LogSafe;
import io.dpsemu.protocol.Transport;
import io.dpsemu.server.device.DeviceResponse;
import io.dpsemu.server.metrics.DpsMetrics;
import io.dpsemu.server.metrics.RegistrationOutcome;
import io.dpsemu.server.metrics.StoreHealth;
import io.dpsemu.store.StoreException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the engine's store work for a device request and turns what can go wrong on the way into
 * answers the device can retry: a stalled store (503 at once, without queueing behind the hung
 * calls), a full queue (429), a store failure or no answer within the call timeout (503).
 */
final class StoreTasks {

    private static final Logger LOG = LoggerFactory.getLogger(StoreTasks.class);

    private final StoreExecutor executor;
    private final StoreHealth health;
    private final DeviceAnswers answers;
    private final DpsMetrics metrics;
    private final String timedOut;

    StoreTasks(StoreExecutor executor, StoreHealth health, DeviceAnswers answers, DpsMetrics metrics,
            long callTimeoutMillis) {
        this.executor = executor;
        this.health = health;
        this.answers = answers;
        this.metrics = metrics;
        this.timedOut = "it has not answered within " + callTimeoutMillis + " ms";
    }

    /**
     * Runs {@code work} on a store thread. The work completes the answer itself, so it can go on
     * working after the device has been answered.
     */
    CompletableFuture<DeviceResponse> run(Consumer<CompletableFuture<DeviceResponse>> work) {
        return run(work, outcome -> { });
    }

    /** Runs a register request's work: an answer given here instead of the work's is counted as its outcome. */
    CompletableFuture<DeviceResponse> runRegister(Transport transport,
            Consumer<CompletableFuture<DeviceResponse>> work) {
        return run(work, outcome -> metrics.registration(transport, outcome));
    }

    private CompletableFuture<DeviceResponse> run(Consumer<CompletableFuture<DeviceResponse>> work,
            Consumer<RegistrationOutcome> counted) {
        if (health.isStalled()) {
            counted.accept(RegistrationOutcome.ERROR);
            return CompletableFuture.completedFuture(answers.storeUnavailable(health.describe()));
        }
        try {
            return executor.submit(answer -> {
                try {
                    work.accept(answer);
                    health.succeeded();
                } catch (StoreException e) {
                    health.failed(e);
                    LOG.warn("store failure: {}", LogSafe.of(e.getMessage()));
                    counted.accept(RegistrationOutcome.ERROR);
                    answer.complete(answers.storeUnavailable("a store call failed"));
                } catch (RuntimeException e) {
                    LOG.error("unexpected failure", e);
                    counted.accept(RegistrationOutcome.ERROR);
                    answer.complete(answers.internalError());
                }
            }, () -> {
                counted.accept(RegistrationOutcome.ERROR);
                return answers.storeUnavailable(timedOut);
            });
        } catch (RejectedExecutionException e) {
            counted.accept(RegistrationOutcome.THROTTLED);
            return CompletableFuture.completedFuture(answers.busy("the store queue is full (limits.storeQueue)"));
        }
    }
}
