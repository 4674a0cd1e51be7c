package io.dpsemu.server.config;

import io.dpsemu.protocol.enrollment.AllocationPolicy;

/**
 * How devices are spread over the linked hubs.
 *
 * @param policy                    the service-level default for enrollments that set no
 *                                  {@code allocationPolicy}: {@code hashed}, {@code geoLatency} or
 *                                  {@code static} ({@code custom} needs a webhook, so only an
 *                                  enrollment can choose it, as in DPS)
 * @param webhookTimeoutMillis      a custom-allocation webhook that has not answered in full by then
 *                                  fails the registration
 * @param maxConcurrentWebhookCalls webhook calls in flight at once; a register beyond it gets 429
 * @param maxWebhookResponseBytes   a longer webhook reply fails the registration
 */
public record AllocationConfig(
        AllocationPolicy policy,
        int webhookTimeoutMillis,
        int maxConcurrentWebhookCalls,
        int maxWebhookResponseBytes) {

    static AllocationConfig defaults() {
        return new AllocationConfig(AllocationPolicy.HASHED, 10_000, 32, 64 * 1024);
    }
}
