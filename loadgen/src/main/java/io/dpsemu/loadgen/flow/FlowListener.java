package io.dpsemu.loadgen.flow;

/** Told what flows do; called on event-loop threads, so it must be thread-safe and must not block. */
public interface FlowListener {

    /**
     * Something went wrong. A flow may report several errors (each throttled request it retries)
     * before it ends.
     *
     * @param kind a stable name such as {@code connect_timeout}, {@code tls} or {@code http_429}
     * @param detail what happened, for the user
     */
    void error(String kind, String detail);

    /** The flow ended or, with {@code --hold}, its session is open and idle; called once per flow. */
    void finished(FlowResult result);

    /** A held session was closed, by the server or at the end of the run. */
    void heldSessionClosed();
}
