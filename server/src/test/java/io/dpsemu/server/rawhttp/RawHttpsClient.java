package io.dpsemu.server.rawhttp;

import com.fasterxml.jackson.databind.JsonNode;
import io.dpsemu.protocol.json.DpsJson;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * A curl-like HTTP/1.1 client over TLS 1.2 (JDK {@link SSLSocket}, trusting only the server's CA
 * file) that writes requests exactly as given, byte for byte, and reads responses (status line,
 * headers, a body by {@code Content-Length}) or, after a WebSocket upgrade, frames; every read has a
 * timeout, and a close by the server is noticed rather than waited out.
 */
public final class RawHttpsClient implements AutoCloseable {

    public static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final int MAX_HEAD_BYTES = 64 * 1024;

    private final SSLSocket socket;
    private final InputStream in;
    private final OutputStream out;
    private final int port;
    private byte[] buffer = new byte[16 * 1024];
    private int start;
    private int end;
    private boolean closedByServer;

    private RawHttpsClient(SSLSocket socket, int port) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
        this.port = port;
    }

    /** Connects to {@code localhost:port} and completes a TLS 1.2 handshake, checking the host name. */
    public static RawHttpsClient connect(int port, Path caPem) throws IOException {
        SSLSocket socket = (SSLSocket) trusting(caPem).getSocketFactory().createSocket("localhost", port);
        socket.setEnabledProtocols(new String[] {"TLSv1.2"});
        var parameters = socket.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        socket.setSSLParameters(parameters);
        socket.setSoTimeout((int) TIMEOUT.toMillis());
        socket.startHandshake();
        return new RawHttpsClient(socket, port);
    }

    /** The {@code Host} header value a client of this connection sends. */
    public String host() {
        return "localhost:" + port;
    }

    public RawHttpsClient send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
        return this;
    }

    public RawHttpsClient send(String text) throws IOException {
        return send(text.getBytes(StandardCharsets.UTF_8));
    }

    public RawHttpsClient send(Request request) throws IOException {
        return send(request.bytes());
    }

    /** Sends one request and reads its response. */
    public Response exchange(Request request) throws IOException {
        return send(request).readResponse();
    }

    /** The next response; fails on timeout, or when the server closes before the response is whole. */
    public Response readResponse() throws IOException {
        long deadline = deadline(TIMEOUT);
        String statusLine = readLine(deadline);
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
            throw new AssertionError("not an HTTP status line: '" + statusLine + "'");
        }
        int status = Integer.parseInt(parts[1]);
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        List<String> headerLines = new ArrayList<>();
        int headBytes = statusLine.length();
        for (String line; !(line = readLine(deadline)).isEmpty(); ) {
            headBytes += line.length();
            if (headBytes > MAX_HEAD_BYTES) {
                throw new AssertionError("response head over " + MAX_HEAD_BYTES + " bytes");
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new AssertionError("malformed response header line: '" + line + "'");
            }
            headerLines.add(line);
            headers.add(Map.entry(line.substring(0, colon), line.substring(colon + 1).trim()));
        }
        Response response = new Response(parts[0], status, parts.length > 2 ? parts[2] : "", List.copyOf(headers),
                List.copyOf(headerLines), new byte[0]);
        if (status == 101 || status == 204 || status == 304) {
            return response;
        }
        String length = response.header("Content-Length");
        if (length == null) {
            throw new AssertionError("response without Content-Length: " + response);
        }
        return new Response(response.version(), status, response.reason(), response.headers(),
                response.headerLines(), take(Integer.parseInt(length), deadline));
    }

    /** The next WebSocket frame; fails on timeout, or when the server closes first. */
    public WebSocketFrames.Frame readFrame() throws IOException {
        long deadline = deadline(TIMEOUT);
        return WebSocketFrames.read(n -> take(n, deadline));
    }

    /** Sends a WebSocket frame (built by {@link WebSocketFrames}). */
    public RawHttpsClient sendFrame(byte[] frame) throws IOException {
        return send(frame);
    }

    /**
     * Reads until the server closes the connection; bytes that arrive first are kept for the next
     * read. Returns false when the connection is still open after {@link #TIMEOUT}.
     */
    public boolean awaitClosedByServer() throws IOException {
        return awaitClosedByServer(TIMEOUT);
    }

    /** As {@link #awaitClosedByServer()}, waiting at most {@code timeout}. */
    public boolean awaitClosedByServer(Duration timeout) throws IOException {
        long deadline = deadline(timeout);
        while (!closedByServer) {
            if (!fill(deadline) && !closedByServer) {
                return false;
            }
        }
        return true;
    }

    /** Bytes received and not yet consumed by a read. */
    public int pending() {
        return end - start;
    }

    public boolean closedByServer() {
        return closedByServer;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    private String readLine(long deadline) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        while (true) {
            byte b = take(1, deadline)[0];
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, length, StandardCharsets.ISO_8859_1);
            }
            line.write(b);
            if (line.size() > MAX_HEAD_BYTES) {
                throw new AssertionError("response line over " + MAX_HEAD_BYTES + " bytes");
            }
        }
    }

    /** Exactly {@code n} bytes, or an AssertionError naming why not. */
    private byte[] take(int n, long deadline) throws IOException {
        while (end - start < n) {
            if (!fill(deadline)) {
                throw new AssertionError(closedByServer
                        ? "the server closed the connection (" + (end - start) + " of " + n + " bytes read)"
                        : "no data from the server within " + TIMEOUT);
            }
        }
        byte[] out = Arrays.copyOfRange(buffer, start, start + n);
        start += n;
        return out;
    }

    /** Reads one chunk into the buffer; false on timeout or close. */
    private boolean fill(long deadlineNanos) throws IOException {
        if (closedByServer) {
            return false;
        }
        long leftMillis = Duration.ofNanos(deadlineNanos - System.nanoTime()).toMillis();
        if (leftMillis <= 0) {
            return false;
        }
        if (start == end) {
            start = 0;
            end = 0;
        }
        if (buffer.length - end < 8192) {
            byte[] bigger = new byte[Math.max(buffer.length * 2, end - start + 16 * 1024)];
            System.arraycopy(buffer, start, bigger, 0, end - start);
            end -= start;
            start = 0;
            buffer = bigger;
        }
        socket.setSoTimeout((int) leftMillis);
        int n;
        try {
            n = in.read(buffer, end, buffer.length - end);
        } catch (SocketTimeoutException e) {
            return false;
        } catch (SocketException | SSLException e) {
            // a reset, or a close without close_notify: the server is gone either way
            closedByServer = true;
            return false;
        }
        if (n < 0) {
            closedByServer = true;
            return false;
        }
        end += n;
        return true;
    }

    private static long deadline(Duration timeout) {
        return System.nanoTime() + timeout.toNanos();
    }

    private static SSLContext trusting(Path caPem) throws IOException {
        try (var pem = Files.newInputStream(caPem)) {
            KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
            trusted.load(null, null);
            trusted.setCertificateEntry("dpsemu-ca", CertificateFactory.getInstance("X.509").generateCertificate(pem));
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trusted);
            SSLContext context = SSLContext.getInstance("TLSv1.2");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot trust " + caPem, e);
        }
    }

    /** Starts a request: {@code METHOD target HTTP/1.1}. */
    public static Request request(String method, String target) {
        return new Request(method + " " + target + " HTTP/1.1");
    }

    /** A WebSocket upgrade to {@code target} with the headers every SDK sends; no subprotocol yet. */
    public Request webSocketUpgrade(String target, String key) {
        return request("GET", target)
                .header("Host", host())
                .header("Upgrade", "websocket")
                .header("Connection", "Upgrade")
                .header("Sec-WebSocket-Key", key)
                .header("Sec-WebSocket-Version", "13");
    }

    /**
     * An HTTP/1.1 request written as given: headers in order and spelling, and a body with a
     * {@code Content-Length} added unless the test set one itself.
     */
    public static final class Request {

        private final String requestLine;
        private final List<Map.Entry<String, String>> headers = new ArrayList<>();
        private byte[] body;

        private Request(String requestLine) {
            this.requestLine = requestLine;
        }

        public Request header(String name, String value) {
            headers.add(Map.entry(name, value));
            return this;
        }

        public Request body(String text) {
            return body(text.getBytes(StandardCharsets.UTF_8));
        }

        public Request body(byte[] bytes) {
            this.body = bytes;
            return this;
        }

        public byte[] bytes() {
            StringBuilder head = new StringBuilder(requestLine).append("\r\n");
            boolean hasLength = false;
            for (Map.Entry<String, String> h : headers) {
                head.append(h.getKey()).append(": ").append(h.getValue()).append("\r\n");
                hasLength |= h.getKey().equalsIgnoreCase("Content-Length");
            }
            if (body != null && !hasLength) {
                head.append("Content-Length: ").append(body.length).append("\r\n");
            }
            head.append("\r\n");
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.writeBytes(head.toString().getBytes(StandardCharsets.UTF_8));
            if (body != null) {
                out.writeBytes(body);
            }
            return out.toByteArray();
        }
    }

    /**
     * One response as received; header names keep the server's spelling and are looked up in any case.
     *
     * @param headers     names and trimmed values
     * @param headerLines the header lines exactly as sent, for tests of spelling and spacing
     */
    public record Response(String version, int status, String reason, List<Map.Entry<String, String>> headers,
            List<String> headerLines, byte[] body) {

        /** The first value of this header, or null. */
        public String header(String name) {
            return headers.stream().filter(h -> h.getKey().equalsIgnoreCase(name)).map(Map.Entry::getValue)
                    .findFirst().orElse(null);
        }

        /** Every value of this header, in order. */
        public List<String> headers(String name) {
            return headers.stream().filter(h -> h.getKey().equalsIgnoreCase(name)).map(Map.Entry::getValue).toList();
        }

        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        public JsonNode json() {
            try {
                return DpsJson.mapper().readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException("response body is not JSON: " + text(), e);
            }
        }

        @Override
        public String toString() {
            return version + " " + status + " " + reason + " " + headers + " " + text();
        }
    }
}
