package io.dpsemu.server.allocation;

import io.dpsemu.protocol.json.DpsJson;
import io.dpsemu.server.config.AllocationConfig;
import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Calls custom-allocation webhooks. Calls are asynchronous (never on an event loop or a store
 * thread), bounded in number by slots reserved before the device is told {@code 202}, and each one
 * ends within the configured timeout, its reply read up to a size cap. HTTPS webhooks are verified
 * against the JVM's trust store.
 */
public final class WebhookClient {

    private final HttpClient http;
    private final ScheduledThreadPoolExecutor threads;
    private final Semaphore slots;
    private final Duration timeout;
    private final int maxResponseBytes;

    public WebhookClient(AllocationConfig config) {
        AtomicInteger counter = new AtomicInteger();
        // the HTTP client's callbacks and the call deadlines; idle threads end, so a stopped server
        // (tests start many) leaves none behind
        this.threads = new ScheduledThreadPoolExecutor(2, task -> {
            Thread thread = new Thread(task, "dps-webhook-" + counter.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        threads.setKeepAliveTime(30, TimeUnit.SECONDS);
        threads.allowCoreThreadTimeOut(true);
        threads.setRemoveOnCancelPolicy(true);
        this.timeout = Duration.ofMillis(config.webhookTimeoutMillis());
        this.http = HttpClient.newBuilder()
                .connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .executor(threads)
                .build();
        this.slots = new Semaphore(config.maxConcurrentWebhookCalls());
        this.maxResponseBytes = config.maxWebhookResponseBytes();
    }

    /** A slot for one call, or empty when {@code allocation.maxConcurrentWebhookCalls} are in flight. */
    public Optional<Slot> reserve() {
        return slots.tryAcquire() ? Optional.of(new Slot()) : Optional.empty();
    }

    /** Permission for one webhook call; the slot is freed when the call ends, or by {@link #release}. */
    public final class Slot {

        private final AtomicBoolean held = new AtomicBoolean(true);

        private Slot() {
        }

        /** Gives the slot back without calling. */
        public void release() {
            if (held.compareAndSet(true, false)) {
                slots.release();
            }
        }

        /**
         * POSTs the request. The future fails with a {@link CustomAllocationException} whose message
         * names the cause; it completes on a webhook thread, and never later than the timeout.
         */
        public CompletableFuture<AllocationResponse> call(String webhookUrl, AllocationRequest request) {
            CompletableFuture<AllocationResponse> result;
            try {
                URI webhook = new URI(webhookUrl);
                HttpRequest post = HttpRequest.newBuilder(webhook)
                        .timeout(timeout)
                        .header("Content-Type", "application/json; charset=utf-8")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(DpsJson.write(request.toJson())))
                        .build();
                CompletableFuture<HttpResponse<byte[]>> exchange =
                        http.sendAsync(post, LimitedBody.handler(maxResponseBytes));
                // HttpRequest.timeout covers only the wait for the headers; cancelling the exchange
                // aborts it, so a reply trickled past the deadline gives back its connection too
                AtomicBoolean late = new AtomicBoolean();
                ScheduledFuture<?> deadline = threads.schedule(() -> {
                    late.set(true);
                    exchange.cancel(true);
                }, timeout.toMillis(), TimeUnit.MILLISECONDS);
                // past the deadline every failure is the deadline's (the cancellation may arrive wrapped,
                // or race the client's own header timeout)
                result = exchange.handle((response, error) -> answer(webhook, request, response,
                        error != null && late.get() ? new TimeoutException() : error));
                result.whenComplete((response, error) -> deadline.cancel(false));
            } catch (URISyntaxException | IllegalArgumentException e) {
                result = CompletableFuture.failedFuture(new CustomAllocationException(
                        "Custom allocation failed: the webhook URL is not usable: " + e.getMessage()));
            } catch (RuntimeException e) {
                result = CompletableFuture.failedFuture(new CustomAllocationException(
                        "Custom allocation failed: the request could not be sent: " + e));
            }
            return result.whenComplete((response, error) -> release());
        }
    }

    private AllocationResponse answer(URI webhook, AllocationRequest request, HttpResponse<byte[]> response,
            Throwable error) {
        if (error != null) {
            throw new CompletionException(new CustomAllocationException("Custom allocation failed: "
                    + describe(webhook, unwrap(error))));
        }
        if (response.statusCode() / 100 != 2) {
            // DPS's own wording, which device developers search for
            throw new CompletionException(new CustomAllocationException(
                    "Custom allocation failed with status code: " + response.statusCode()));
        }
        try {
            return AllocationResponse.parse(response.body(), request.linkedHubs());
        } catch (CustomAllocationException e) {
            throw new CompletionException(e);
        }
    }

    private String describe(URI webhook, Throwable error) {
        // the query is left out: Azure Functions carry their key there
        String where = webhook.getScheme() + "://" + webhook.getAuthority() + webhook.getPath();
        if (error instanceof TimeoutException || error instanceof HttpTimeoutException) {
            return "the webhook " + where + " did not answer within " + timeout.toMillis()
                    + " ms (allocation.webhookTimeoutMillis)";
        }
        if (error instanceof LimitedBody.TooLarge) {
            return "the webhook " + where + " answered too much: " + error.getMessage();
        }
        if (error instanceof ConnectException) {
            return "cannot connect to the webhook " + where;
        }
        return "calling the webhook " + where + " failed: " + error;
    }

    private static Throwable unwrap(Throwable error) {
        Throwable cause = error;
        while ((cause instanceof CompletionException || cause instanceof java.util.concurrent.ExecutionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        // the HTTP client wraps a body subscriber's failure in an IOException
        if (!(cause instanceof LimitedBody.TooLarge) && cause.getCause() instanceof LimitedBody.TooLarge) {
            return cause.getCause();
        }
        return cause;
    }
}
