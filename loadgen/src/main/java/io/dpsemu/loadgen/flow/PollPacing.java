package io.dpsemu.loadgen.flow;

/**
 * When a device asks again: polls for a running operation, and requests the server throttled
 * ({@code 429}) or failed ({@code 5xx}).
 */
public enum PollPacing {
    /** Polls after the server's retry-after, or 2 s without one, as the Java, Node and Python SDKs do. */
    SDK,
    /** Polls as soon as the {@code assigning} answer arrives: the most load a device can make. */
    IMMEDIATE;

    /** The SDKs' delay when a response carries no retry-after (docs/protocol-notes.md#responses-and-retry-after). */
    static final long DEFAULT_RETRY_AFTER_MILLIS = 2_000;

    /**
     * @param retryAfterSeconds the response's retry-after, or null when it had none
     */
    public long pollDelayMillis(Integer retryAfterSeconds) {
        return this == IMMEDIATE ? 0 : retryDelayMillis(retryAfterSeconds);
    }

    /**
     * A throttled or failed request waits for the retry-after in both modes: asking again at once
     * would only measure how fast the server can refuse.
     */
    public static long retryDelayMillis(Integer retryAfterSeconds) {
        return retryAfterSeconds == null ? DEFAULT_RETRY_AFTER_MILLIS : Math.max(0, retryAfterSeconds) * 1000L;
    }
}
