package io.dpsemu.loadgen.flow;

import java.net.SocketAddress;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLSession;

/**
 * Told what flows do; called on event-loop threads, so it must be thread-safe and must not block. The
 * step methods, with empty defaults, are for a user following one device ({@code dpsemu device register});
 * a load run listens only to errors and ends.
 */
public interface FlowListener {

    /**
     * Something went wrong. A flow may report several errors (each throttled request it retries)
     * before it ends.
     *
     * @param kind a stable name such as {@code connect_timeout}, {@code tls} or {@code http_429}
     * @param registrationId the device's
     * @param detail what happened, for the user
     */
    void error(String kind, String registrationId, String detail);

    /** The flow ended or, with {@code --hold}, its session is open and idle; called once per flow. */
    void finished(FlowResult result);

    /** A held session was closed, by the server or at the end of the run. */
    void heldSessionClosed();

    /** The TCP connection is open. */
    default void connected(SocketAddress server) {
    }

    /** The TLS handshake succeeded; null when the pipeline has no TLS handler (tests). */
    default void secured(SSLSession session) {
    }

    /** The WebSocket upgrade succeeded ({@code mqttws}). */
    default void upgraded() {
    }

    /** CONNACK accepted the MQTT session. */
    default void sessionAccepted() {
    }

    /** SUBACK granted the subscription to the responses. */
    default void subscribed(String topicFilter) {
    }

    /**
     * A register or poll request went out.
     *
     * @param method {@code PUBLISH} for MQTT, else the HTTP method
     * @param target the MQTT topic or the HTTP path
     * @param body the register request's body; null for a poll, which has none
     */
    default void sent(String method, String target, byte[] body) {
    }

    /**
     * A DPS answer arrived, before the flow acts on it: the MQTT response topic carries the HTTP status
     * and retry-after that HTTPS carries in its status line and header.
     *
     * @param retryAfterSeconds the answer's retry-after, or null when it had none
     */
    default void answered(int status, Integer retryAfterSeconds, byte[] body) {
    }

    /**
     * The assigned answer to a register request that carried a CSR holds the issued certificate; called after
     * {@link #answered} and before {@link #finished}.
     *
     * @param chain {@code registrationState.issuedCertificateChain}: the issued leaf first, ending with the root
     */
    default void certificateIssued(List<X509Certificate> chain) {
    }
}
