package io.dpsemu.server.cli.device;

import com.fasterxml.jackson.databind.JsonNode;
import io.dpsemu.loadgen.flow.ErrorKinds;
import io.dpsemu.loadgen.flow.FlowListener;
import io.dpsemu.loadgen.flow.FlowResult;
import io.dpsemu.protocol.json.DpsJson;
import io.dpsemu.server.cli.manage.TerminalText;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * Follows one device's flow for {@code dpsemu device register}: prints each step as it happens and,
 * at the end, the verdict. Called on the flow's event loop, one call at a time; {@link #await} hands
 * the outcome to the command's thread.
 */
final class RegistrationTrace implements FlowListener {

    /** How much of a request or answer body a step line shows. */
    private static final int MAX_BODY_CHARS = 400;

    private final PrintWriter out;
    private final CountDownLatch done = new CountDownLatch(1);
    private volatile FlowResult result;
    private volatile byte[] lastBody;
    private volatile String lastErrorKind;
    private volatile String lastErrorDetail;
    private volatile List<X509Certificate> issuedChain;

    RegistrationTrace(PrintWriter out) {
        this.out = out;
    }

    @Override
    public void connected(SocketAddress server) {
        print("connected to " + server);
    }

    @Override
    public void secured(SSLSession session) {
        if (session == null) {
            return;
        }
        print("TLS established: " + session.getProtocol() + ", " + session.getCipherSuite()
                + ", server certificate " + peerSubject(session) + " trusted");
    }

    @Override
    public void upgraded() {
        print("WebSocket upgraded (subprotocol mqtt)");
    }

    @Override
    public void sessionAccepted() {
        print("MQTT CONNECT accepted (CONNACK 0)");
    }

    @Override
    public void subscribed(String topicFilter) {
        print("subscribed to " + topicFilter);
    }

    @Override
    public void sent(String method, String target, byte[] body) {
        print((body == null ? "poll" : "register") + " sent: " + method + " " + target
                + (body == null ? "" : " " + shortText(body)));
    }

    @Override
    public void answered(int status, Integer retryAfterSeconds, byte[] body) {
        lastBody = body;
        JsonNode json = json(body);
        StringBuilder line = new StringBuilder("answer: " + status);
        if (json != null && json.path("status").isTextual()) {
            line.append(' ').append(json.path("status").textValue());
            if (json.path("operationId").isTextual()) {
                line.append(", operationId ").append(json.path("operationId").textValue());
            }
        } else if (json != null && (json.has("errorCode") || json.has("message"))) {
            line.append(' ').append(errorText(json));
        } else if (body.length > 0) {
            line.append(' ').append(shortText(body));
        }
        if (retryAfterSeconds != null) {
            line.append(", retry-after ").append(retryAfterSeconds).append(" s");
        }
        print(line.toString());
    }

    /** Kept for the command, which reports it after the verdict. */
    @Override
    public void certificateIssued(List<X509Certificate> chain) {
        issuedChain = chain;
    }

    /** The chain of the certificate issued for the CSR sent, leaf first; null when none was issued. */
    List<X509Certificate> issuedChain() {
        return issuedChain;
    }

    /**
     * Kept for the verdict, not printed: a retried answer (429, 5xx) was printed as an answer, and any other
     * error ends the flow.
     */
    @Override
    public void error(String kind, String registrationId, String detail) {
        lastErrorKind = kind;
        lastErrorDetail = detail;
    }

    @Override
    public void finished(FlowResult flowResult) {
        result = flowResult;
        out.flush();
        done.countDown();
    }

    @Override
    public void heldSessionClosed() {
        // a single registration never holds its session
    }

    /**
     * Waits for the flow to end and prints the verdict.
     *
     * @param patience longer than the flow's own deadline, which always ends it first
     * @return the exit code
     */
    int await(Duration patience) throws InterruptedException {
        if (!done.await(patience.toMillis(), TimeUnit.MILLISECONDS)) {
            out.println("no result: the flow did not end within " + patience.toSeconds() + " s");
            return DeviceRegisterCommand.NO_VERDICT;
        }
        JsonNode answer = lastBody == null ? null : json(lastBody);
        if (result.outcome() == FlowResult.Outcome.ASSIGNED) {
            printAssigned(answer == null ? null : answer.path("registrationState"));
            return DeviceRegisterCommand.ASSIGNED;
        }
        if (lastErrorKind != null && ErrorKinds.isRefusal(lastErrorKind)) {
            out.println("refused: " + refusal(answer));
            return DeviceRegisterCommand.REFUSED;
        }
        out.println("no verdict: " + TerminalText.of(lastErrorDetail) + " (" + lastErrorKind + ")"
                + ("tls".equals(lastErrorKind) ? "; is --ca the CA of the server's certificate (dpsemu:"
                        + " <data-dir>/tls/ca.pem), and does the certificate name --host?" : ""));
        return DeviceRegisterCommand.NO_VERDICT;
    }

    private void printAssigned(JsonNode state) {
        out.println("assigned");
        if (state == null || !state.isObject()) {
            return;
        }
        field("assigned hub", state.path("assignedHub"));
        field("device id", state.path("deviceId"));
        field("substatus", state.path("substatus"));
        field("payload", state.path("payload"));
    }

    private void field(String label, JsonNode value) {
        if (value.isMissingNode() || value.isNull()) {
            return;
        }
        String text = value.isTextual() ? value.textValue() : value.toString();
        out.printf("  %-14s %s%n", label + ":", TerminalText.of(text));
    }

    /** What the server said: the DPS error of an error answer or of a failed registration, else the MQTT status. */
    private String refusal(JsonNode answer) {
        if (lastErrorKind.startsWith("http_") && answer != null) {
            return "HTTP " + lastErrorKind.substring("http_".length()) + ", " + errorText(answer);
        }
        if (lastErrorKind.startsWith("status_") && answer != null) {
            JsonNode state = answer.path("registrationState");
            return "registration " + answer.path("status").asText() + ", " + errorText(state.isObject() ? state
                    : answer);
        }
        return TerminalText.of(lastErrorDetail);
    }

    /** {@code errorCode N: message}, from a DPS error body or a registration state. */
    private static String errorText(JsonNode json) {
        String message = json.path("errorMessage").isTextual() ? json.path("errorMessage").textValue()
                : json.path("message").asText("");
        String code = json.path("errorCode").isMissingNode() ? "no errorCode" : "errorCode "
                + json.path("errorCode").asText();
        JsonNode tracking = json.path("trackingId");
        return TerminalText.of(code + ": " + message + (tracking.isTextual() ? " (trackingId "
                + tracking.textValue() + ")" : ""));
    }

    private void print(String line) {
        out.println("- " + line);
    }

    private static String peerSubject(SSLSession session) {
        try {
            Certificate[] chain = session.getPeerCertificates();
            return chain.length > 0 && chain[0] instanceof X509Certificate leaf
                    ? "'" + leaf.getSubjectX500Principal().getName() + "'" : "(none)";
        } catch (SSLPeerUnverifiedException e) {
            return "(unverified)";
        }
    }

    private static String shortText(byte[] body) {
        String text = TerminalText.of(new String(body, StandardCharsets.UTF_8));
        return text.length() > MAX_BODY_CHARS ? text.substring(0, MAX_BODY_CHARS) + "..." : text;
    }

    private static JsonNode json(byte[] body) {
        try {
            return body.length == 0 ? null : DpsJson.mapper().readTree(body);
        } catch (IOException e) {
            return null;
        }
    }
}
