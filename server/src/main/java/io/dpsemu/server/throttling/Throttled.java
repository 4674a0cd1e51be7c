package io.dpsemu.server.throttling;

/**
 * A request refused by a quota: answered 429 (errorCode 429001) with {@code Retry-After}.
 *
 * @param reason            names the quota and its configured value
 * @param retryAfterSeconds when the quota's window admits again, rounded up; at least 1
 */
public record Throttled(String reason, int retryAfterSeconds) {
}
