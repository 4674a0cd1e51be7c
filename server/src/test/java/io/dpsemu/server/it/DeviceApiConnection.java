package io.dpsemu.server.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.dpsemu.protocol.json.DpsJson;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * One keep-alive HTTP/1.1 connection over TLS to the dpsemu device REST API, as small and cheap as a
 * blocking client can be (no thread of its own), for the crash test. Not thread-safe: one per
 * client thread. The connection opens lazily; any I/O failure closes it and is thrown, and the next
 * exchange opens a new one, so a caller survives a server restart by retrying.
 */
public final class DeviceApiConnection implements AutoCloseable {

    private static final int MAX_HEAD_BYTES = 64 * 1024;
    private static final int MAX_BODY_BYTES = 1024 * 1024;

    private final String host;
    private final int port;
    private final SSLContext tls;
    private final int timeoutMillis;
    private SSLSocket socket;
    private InputStream in;
    private OutputStream out;

    /**
     * @param host          a name or address in the server certificate (127.0.0.1 and localhost are in
     *                      the generated one)
     * @param timeoutMillis connect and read timeout of every exchange
     */
    public DeviceApiConnection(String host, int port, SSLContext tls, int timeoutMillis) {
        this.host = host;
        this.port = port;
        this.tls = tls;
        this.timeoutMillis = timeoutMillis;
    }

    /** A TLS context that trusts exactly the CA certificates in these PEM files (each server's {@code tls/ca.pem}). */
    public static SSLContext trusting(List<Path> caPemFiles) {
        try {
            KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
            trusted.load(null, null);
            CertificateFactory x509 = CertificateFactory.getInstance("X.509");
            int n = 0;
            for (Path pem : caPemFiles) {
                try (InputStream file = Files.newInputStream(pem)) {
                    for (Certificate certificate : x509.generateCertificates(file)) {
                        trusted.setCertificateEntry("ca-" + n++, certificate);
                    }
                }
            }
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trusted);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read CA files " + caPemFiles, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot trust " + caPemFiles + ": " + e.getMessage(), e);
        }
    }

    /**
     * Sends one request and reads its response.
     *
     * @param authorization the {@code Authorization} header, or null
     * @param body          a JSON body, or null
     * @throws IOException when the connection cannot be opened, breaks, or times out; it is closed then
     */
    public Response exchange(String method, String target, String authorization, byte[] body) throws IOException {
        try {
            open();
            StringBuilder head = new StringBuilder(256)
                    .append(method).append(' ').append(target).append(" HTTP/1.1\r\n")
                    .append("Host: ").append(host).append(':').append(port).append("\r\n")
                    .append("Accept: application/json\r\n");
            if (authorization != null) {
                head.append("Authorization: ").append(authorization).append("\r\n");
            }
            if (body != null) {
                head.append("Content-Type: application/json; charset=utf-8\r\n")
                        .append("Content-Length: ").append(body.length).append("\r\n");
            } else if (!method.equals("GET")) {
                head.append("Content-Length: 0\r\n");
            }
            head.append("\r\n");
            out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            if (body != null) {
                out.write(body);
            }
            out.flush();
            return readResponse();
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    @Override
    public void close() {
        SSLSocket s = socket;
        socket = null;
        in = null;
        out = null;
        if (s != null) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing a broken connection: nothing left to do
            }
        }
    }

    private void open() throws IOException {
        if (socket != null) {
            return;
        }
        SSLSocket s = (SSLSocket) tls.getSocketFactory().createSocket();
        try {
            s.connect(new java.net.InetSocketAddress(host, port), timeoutMillis);
            s.setTcpNoDelay(true);
            s.setSoTimeout(timeoutMillis);
            SSLParameters parameters = s.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            s.setSSLParameters(parameters);
            s.startHandshake();
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
        socket = s;
        in = new BufferedInputStream(s.getInputStream(), 8192);
        out = new BufferedOutputStream(s.getOutputStream(), 4096);
    }

    private Response readResponse() throws IOException {
        String statusLine = readLine();
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
            throw new IOException("not an HTTP status line: '" + statusLine + "'");
        }
        int status;
        try {
            status = Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            throw new IOException("bad status line: '" + statusLine + "'", e);
        }
        int length = -1;
        Integer retryAfter = null;
        boolean close = false;
        int headBytes = statusLine.length();
        for (String line; !(line = readLine()).isEmpty(); ) {
            headBytes += line.length();
            if (headBytes > MAX_HEAD_BYTES) {
                throw new IOException("response head over " + MAX_HEAD_BYTES + " bytes");
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new IOException("malformed header line: '" + line + "'");
            }
            String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = line.substring(colon + 1).trim();
            switch (name) {
                case "content-length" -> length = Integer.parseInt(value);
                case "retry-after" -> retryAfter = parseRetryAfter(value);
                case "connection" -> close = value.toLowerCase(Locale.ROOT).contains("close");
                case "transfer-encoding" -> throw new IOException("unexpected Transfer-Encoding " + value);
                default -> {
                    // not needed here
                }
            }
        }
        if (length < 0 || length > MAX_BODY_BYTES) {
            throw new IOException("response " + status + " without a usable Content-Length (" + length + ")");
        }
        byte[] body = in.readNBytes(length);
        if (body.length < length) {
            throw new EOFException("connection closed after " + body.length + " of " + length + " body bytes");
        }
        if (close) {
            close();
        }
        return new Response(status, retryAfter, body);
    }

    private static Integer parseRetryAfter(String value) {
        try {
            return Integer.valueOf(value);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(64);
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("connection closed by the server" + (line.size() > 0 ? " mid-line" : ""));
            }
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                int n = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, n, StandardCharsets.ISO_8859_1);
            }
            line.write(b);
            if (line.size() > MAX_HEAD_BYTES) {
                throw new IOException("response line over " + MAX_HEAD_BYTES + " bytes");
            }
        }
    }

    /** A response: status, the {@code Retry-After} seconds when sent, and the body. */
    public record Response(int status, Integer retryAfterSeconds, byte[] body) {

        public JsonNode json() {
            try {
                return DpsJson.mapper().readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException("response body is not JSON: " + text(), e);
            }
        }

        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            return status + (retryAfterSeconds == null ? "" : " retry-after=" + retryAfterSeconds) + " " + text();
        }
    }
}
