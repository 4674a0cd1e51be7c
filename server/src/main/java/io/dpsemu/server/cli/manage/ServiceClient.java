package io.dpsemu.server.cli.manage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dpsemu.protocol.PercentEncoding;
import io.dpsemu.protocol.json.DpsJson;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;

/**
 * A small client of the DPS service REST API (docs/protocol-notes.md#service-api): JSON over HTTPS/1.1 with the JDK's
 * {@link HttpClient}, a SAS token signed with the policy key, {@code If-Match}, and queries that follow
 * {@code x-ms-continuation} page by page. Error answers become {@link ServiceException}; failures to
 * talk at all become {@link ManageException} naming what to check.
 */
final class ServiceClient {

    static final String API_VERSION = "2021-10-01";
    static final String CONTINUATION = "x-ms-continuation";
    static final String MAX_ITEM_COUNT = "x-ms-max-item-count";
    private static final Duration TOKEN_LIFETIME = Duration.ofHours(1);
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);
    /**
     * Reads answers: unlike {@link DpsJson#mapper()}, whose limits are made for untrusted device bodies, it
     * takes a page of a thousand certificate-bearing documents.
     */
    static final ObjectMapper READER = new ObjectMapper();
    /** A guard against a server that never stops paging. */
    private static final int MAX_PAGES = 100_000;

    private final Connection connection;
    private final HttpClient http;

    ServiceClient(Connection connection) {
        this.connection = connection;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(CONNECT_TIMEOUT)
                .sslContext(sslContext(connection.ca()))
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    Connection connection() {
        return connection;
    }

    /** {@code /a/b/c} with each segment percent-encoded. */
    static String path(String... segments) {
        StringBuilder path = new StringBuilder();
        for (String segment : segments) {
            path.append('/').append(PercentEncoding.encode(segment));
        }
        return path.toString();
    }

    /** An answer with a 2xx status. */
    record Reply(int status, HttpHeaders headers, byte[] body) {

        JsonNode json() {
            try {
                return READER.readTree(body);
            } catch (IOException e) {
                throw new ManageException("the server's answer is not JSON: " + e.getMessage());
            }
        }

        String header(String name) {
            return headers.firstValue(name).orElse(null);
        }
    }

    JsonNode get(String path) {
        return exchange("GET", path, null, Map.of()).json();
    }

    /** The document at {@code path}, or null when the server answers 404. */
    JsonNode find(String path) {
        try {
            return get(path);
        } catch (ServiceException e) {
            if (e.status() == 404) {
                return null;
            }
            throw e;
        }
    }

    JsonNode put(String path, JsonNode body, String ifMatch) {
        return exchange("PUT", path, body, ifMatch == null ? Map.of() : Map.of("If-Match", ifMatch)).json();
    }

    JsonNode post(String path, JsonNode body) {
        return exchange("POST", path, body, Map.of()).json();
    }

    void delete(String path, String ifMatch) {
        exchange("DELETE", path, null, ifMatch == null ? Map.of() : Map.of("If-Match", ifMatch));
    }

    /**
     * Every item of a query, page after page, until the server sends no continuation or {@code top}
     * items were read.
     *
     * @param top      at most this many items in all, or null for every item
     * @param pageSize items per page ({@code x-ms-max-item-count}), or null for the server's choice
     *                 (then {@code top} when given)
     */
    List<JsonNode> query(String method, String path, JsonNode body, Integer top, Integer pageSize) {
        List<JsonNode> items = new ArrayList<>();
        String continuation = null;
        for (int pages = 0; pages < MAX_PAGES; pages++) {
            Map<String, String> headers = new LinkedHashMap<>();
            Integer ask = pageSize;
            if (top != null) {
                int remaining = top - items.size();
                ask = ask == null ? remaining : Math.min(ask, remaining);
            }
            if (ask != null) {
                headers.put(MAX_ITEM_COUNT, Integer.toString(ask));
            }
            if (continuation != null) {
                headers.put(CONTINUATION, continuation);
            }
            Reply reply = exchange(method, path, body, headers);
            JsonNode page = reply.json();
            if (!page.isArray()) {
                throw new ManageException("the server answered a query with " + page.getNodeType()
                        + ", not a JSON array");
            }
            for (JsonNode item : page) {
                if (top != null && items.size() >= top) {
                    break;
                }
                items.add(item);
            }
            String next = reply.header(CONTINUATION);
            if (next == null || next.isEmpty() || (top != null && items.size() >= top)) {
                return items;
            }
            if (next.equals(continuation) && page.isEmpty()) {
                throw new ManageException("the server sent the same continuation token twice without items");
            }
            continuation = next;
        }
        throw new ManageException("the query did not end after " + MAX_PAGES + " pages");
    }

    Reply exchange(String method, String path, JsonNode body, Map<String, String> headers) {
        URI uri = URI.create(connection.baseUri() + path + "?api-version=" + API_VERSION);
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .timeout(REQUEST_TIMEOUT)
                // signed per request: a watch outlives any one token
                .header("Authorization", connection.authorization(Instant.now().plus(TOKEN_LIFETIME)))
                .header("Accept", "application/json")
                .header("User-Agent", "dpsemu-cli");
        headers.forEach(request::header);
        if (body != null) {
            request.header("Content-Type", "application/json; charset=utf-8");
            request.method(method, HttpRequest.BodyPublishers.ofByteArray(DpsJson.write(body)));
        } else {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        HttpResponse<byte[]> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ManageException("interrupted while waiting for " + connection.baseUri());
        } catch (IOException e) {
            throw new ManageException(describe(e));
        }
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
            return new Reply(status, response.headers(), response.body());
        }
        throw error(status, response.body(), method, path);
    }

    private static ServiceException error(int status, byte[] body, String method, String path) {
        try {
            JsonNode error = READER.readTree(body);
            if (error != null && error.isObject() && error.hasNonNull("message")) {
                Integer errorCode = error.path("errorCode").canConvertToInt() ? error.path("errorCode").asInt() : null;
                return new ServiceException(status, errorCode, TerminalText.of(error.path("message").asText()));
            }
        } catch (IOException notJson) {
            // described below
        }
        String text = TerminalText.of(new String(body, StandardCharsets.UTF_8));
        return new ServiceException(status, null, method + " " + path + " answered HTTP " + status
                + (text.isBlank() ? "" : ": " + (text.length() > 200 ? text.substring(0, 200) + "..." : text)));
    }

    private String describe(IOException e) {
        URI base = connection.baseUri();
        Throwable cause = rootCause(e);
        if (e instanceof HttpConnectTimeoutException) {
            return "cannot connect to " + base + " within " + CONNECT_TIMEOUT.toSeconds() + " s";
        }
        if (e instanceof HttpTimeoutException) {
            return "no answer from " + base + " within " + REQUEST_TIMEOUT.toSeconds() + " s";
        }
        if (causedBy(e, ConnectException.class)) {
            return "cannot connect to " + base + " (connection refused); is the server running, and is --port its"
                    + " HTTPS port?";
        }
        if (causedBy(e, SSLException.class)) {
            String hint = connection.ca() == null
                    ? "the JVM does not trust the server's certificate: give --ca with the server's CA"
                            + " (the server writes it to <data-dir>/tls/ca.pem)"
                    : "is " + connection.ca() + " the CA that issued the server's certificate, and does the"
                            + " certificate name '" + connection.host() + "'?";
            return "TLS with " + base + " failed: " + message(cause) + "; " + hint;
        }
        return "cannot talk to " + base + ": " + message(cause);
    }

    private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    private static Throwable rootCause(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause;
    }

    private static String message(Throwable e) {
        if (e.getMessage() != null) {
            return e.getMessage();
        }
        String name = e.getClass().getSimpleName();
        return "the connection failed (" + (name.endsWith("Exception") ? name.substring(0, name.length() - 9) : name)
                + ")";
    }

    private static SSLContext sslContext(Path ca) {
        try {
            if (ca == null) {
                return SSLContext.getDefault();
            }
            Collection<? extends Certificate> certificates;
            try (InputStream pem = Files.newInputStream(ca)) {
                certificates = CertificateFactory.getInstance("X.509").generateCertificates(pem);
            } catch (IOException e) {
                throw new ManageException("cannot read the CA file " + ca + ": " + e.getMessage());
            } catch (GeneralSecurityException e) {
                throw new BadInputException("--ca", ca + " is not a PEM certificate file: " + e.getMessage());
            }
            if (certificates.isEmpty()) {
                throw new BadInputException("--ca", ca + " holds no certificate");
            }
            KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
            trusted.load(null, null);
            int i = 0;
            for (Certificate certificate : certificates) {
                trusted.setCertificateEntry("ca-" + i++, Objects.requireNonNull(certificate));
            }
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trusted);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new ManageException("cannot set up TLS: " + e.getMessage());
        }
    }
}
