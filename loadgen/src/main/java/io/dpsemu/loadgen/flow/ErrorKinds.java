package io.dpsemu.loadgen.flow;

import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.http.websocketx.WebSocketHandshakeException;
import java.io.IOException;
import java.net.ConnectException;
import javax.net.ssl.SSLException;

/** Names what went wrong, by the stable error kinds of the summary. */
public final class ErrorKinds {

    private ErrorKinds() {
    }

    static String ofConnect(Throwable cause) {
        if (cause instanceof ConnectTimeoutException) {
            return Stage.CONNECT.timeoutKind();
        }
        return cause instanceof ConnectException ? "connect_refused" : "connect_error";
    }

    /** For a failure after the TCP connection, whichever handler reported it. */
    static String of(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof SSLException) {
                return "tls";
            }
            if (t instanceof WebSocketHandshakeException) {
                return "websocket_upgrade";
            }
        }
        return cause instanceof IOException ? "io" : "protocol";
    }

    /** The HTTP status class of a DPS answer (the MQTT response topic carries the same status). */
    static String ofStatus(int status) {
        return status >= 500 ? "http_5xx" : "http_" + status;
    }

    /**
     * Whether a flow that failed with this kind was refused by the server, by an error answer, a
     * {@code failed} or {@code disabled} registration, or a refused CONNECT or SUBSCRIBE; otherwise
     * the flow got no verdict (connection, TLS, timeout, or an answer that is not DPS's).
     */
    public static boolean isRefusal(String kind) {
        return kind.startsWith("http_") || kind.startsWith("status_") || kind.startsWith("connack_refused_")
                || kind.equals("suback_refused");
    }

    /** The message of a throwable and its causes, for a user reading the summary. */
    static String describe(Throwable cause) {
        StringBuilder text = new StringBuilder();
        for (Throwable t = cause; t != null && text.length() < 300; t = t.getCause()) {
            if (t.getMessage() != null && text.indexOf(t.getMessage()) < 0) {
                text.append(text.length() == 0 ? "" : ": ").append(t.getMessage());
            }
        }
        return text.length() == 0 ? cause.getClass().getSimpleName() : text.toString();
    }
}
