package io.dpsemu.server.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.dpsemu.server.DpsServer;
import io.dpsemu.server.config.ConfigLoader;
import io.dpsemu.server.logs.LogCapture;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operations port (metrics and health) over plain sockets against a started server, with the
 * HTTPS port's limits set to one second: issue 11 case 11, where an idle connection was closed with
 * a WARN and a stack trace and a trickled request was kept open forever.
 */
@Timeout(60)
class OperationsEndpointTest {

    private static final int IDLE_SECONDS = 1;
    private static final int REQUEST_SECONDS = 1;
    /** Far more than either limit, far less than the old hard-coded 10 s read timeout. */
    private static final Duration CLOSED_WITHIN = Duration.ofSeconds(4);

    @TempDir
    static Path dataDir;

    private static DpsServer server;

    private LogCapture logs;

    @BeforeAll
    static void startServer() {
        server = DpsServer.start(ConfigLoader.load(null, Map.of(), Map.of(
                "dataDir", dataDir.toString(), "store", "memory", "bind", "127.0.0.1", "mqttPort", 0, "httpsPort", 0,
                "operations.port", 0,
                "limits.httpIdleTimeoutSeconds", IDLE_SECONDS,
                "limits.httpRequestTimeoutSeconds", REQUEST_SECONDS)));
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @BeforeEach
    void capture() {
        logs = LogCapture.start();
    }

    @AfterEach
    void stopCapture() throws IOException {
        logs.close();
    }

    @Test
    void idleConnection_isClosedAtTheIdleTimeout_withoutAWarning() throws IOException {
        try (Socket socket = open()) {
            long started = System.nanoTime();

            assertThat(readUntilClosed(socket, CLOSED_WITHIN)).as("bytes before the close").isEmpty();

            assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(900));
        }
        assertStillServedAndNothingLoggedAmiss();
    }

    @Test
    void trickledRequest_isClosedAtTheRequestDeadline_thoughBytesKeepComing() throws IOException {
        byte[] request = "GET /metrics HTTP/1.1\r\nHost: localhost\r\nX-Padding: ".getBytes(StandardCharsets.US_ASCII);
        try (Socket socket = open()) {
            long started = System.nanoTime();
            boolean closed = false;
            // one byte every 200 ms: never idle, never complete
            for (int i = 0; !closed && System.nanoTime() - started < CLOSED_WITHIN.toNanos(); i++) {
                try {
                    socket.getOutputStream().write(request[i % request.length]);
                    socket.getOutputStream().flush();
                } catch (SocketException e) {
                    closed = true;
                    break;
                }
                closed = isClosed(socket, Duration.ofMillis(200));
            }

            assertThat(closed).as("closed by the server within %s", CLOSED_WITHIN).isTrue();
        }
        assertStillServedAndNothingLoggedAmiss();
    }

    @Test
    void malformedRequest_gets400AndAClose_withoutAWarning() throws IOException {
        try (Socket socket = open()) {
            socket.getOutputStream().write("GARBAGE\r\n\r\n".getBytes(StandardCharsets.US_ASCII));

            String response = new String(readUntilClosed(socket, CLOSED_WITHIN), StandardCharsets.US_ASCII);

            assertThat(response).startsWith("HTTP/1.1 400 ");
        }
        assertStillServedAndNothingLoggedAmiss();
    }

    @Test
    void oversizedHead_gets431AndAClose_withoutAWarning() throws IOException {
        try (Socket socket = open()) {
            socket.getOutputStream().write(("GET /metrics HTTP/1.1\r\nX-Big: " + "a".repeat(10_000) + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));

            String response = new String(readUntilClosed(socket, CLOSED_WITHIN), StandardCharsets.US_ASCII);

            assertThat(response).startsWith("HTTP/1.1 431 ");
        }
        assertStillServedAndNothingLoggedAmiss();
    }

    @Test
    void connectionResetMidRequest_isNotLoggedAsAProblem() throws IOException {
        try (Socket socket = open()) {
            socket.getOutputStream().write("GET /met".getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            socket.setSoLinger(true, 0);
        }
        assertStillServedAndNothingLoggedAmiss();
    }

    private void assertStillServedAndNothingLoggedAmiss() throws IOException {
        try (Socket socket = open()) {
            socket.getOutputStream().write("GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            String response = new String(readUntilClosed(socket, CLOSED_WITHIN), StandardCharsets.US_ASCII);
            assertThat(response).startsWith("HTTP/1.1 200 ").contains("\"status\":\"UP\"");
        }
        assertThat(logs.warningsOrStackTraces()).as("warnings or stack traces for a client's doing").isEmpty();
    }

    private static Socket open() throws IOException {
        return new Socket("127.0.0.1", server.operationsPort());
    }

    /** Everything the server sends until it closes; fails when it is still open after {@code timeout}. */
    private static byte[] readUntilClosed(Socket socket, Duration timeout) throws IOException {
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        long deadline = System.nanoTime() + timeout.toNanos();
        InputStream in = socket.getInputStream();
        byte[] buffer = new byte[8192];
        while (true) {
            long left = Duration.ofNanos(deadline - System.nanoTime()).toMillis();
            if (left <= 0) {
                throw new AssertionError("still open after " + timeout + "; received " + received.size() + " bytes");
            }
            socket.setSoTimeout((int) left);
            int n;
            try {
                n = in.read(buffer);
            } catch (SocketTimeoutException e) {
                continue;
            } catch (SocketException e) {
                return received.toByteArray();
            }
            if (n < 0) {
                return received.toByteArray();
            }
            received.write(buffer, 0, n);
        }
    }

    private static boolean isClosed(Socket socket, Duration wait) throws IOException {
        socket.setSoTimeout((int) wait.toMillis());
        try {
            return socket.getInputStream().read() < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (SocketException e) {
            return true;
        }
    }
}
