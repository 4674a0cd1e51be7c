package io.dpsemu.server.service;

import com.fasterxml.jackson.databind.JsonNode;
import io.dpsemu.protocol.auth.SasTokens;
import io.dpsemu.protocol.auth.SasVerifier;
import io.dpsemu.protocol.auth.ServicePolicyNames;
import io.dpsemu.protocol.enrollment.AllocationPolicy;
import io.dpsemu.protocol.json.DpsJson;
import io.dpsemu.server.config.LinkedHub;
import io.dpsemu.server.config.ServiceApiConfig;
import io.dpsemu.server.config.ServicePolicyConfig;
import io.dpsemu.server.config.ThrottlingConfig;
import io.dpsemu.server.enrollment.EnrollmentRules;
import io.dpsemu.server.faults.FaultRules;
import io.dpsemu.server.metrics.DpsMetrics;
import io.dpsemu.server.provisioning.TestStoreThreads;
import io.dpsemu.server.throttling.Quotas;
import io.dpsemu.store.memory.InMemoryStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A {@link ServiceApi} over an {@link InMemoryStore}, called the way {@code HttpsRouter} calls it:
 * a Netty request in, a response future out. Requests carry a fresh owner token unless told otherwise.
 */
final class ServiceApiFixture implements AutoCloseable {

    static final String HOST = "dps.example.test";
    static final String HUB_A = "hub-a.example";
    static final String HUB_B = "hub-b.example";
    /** The credential policies enrollments may name here. */
    static final Set<String> CREDENTIAL_POLICIES = Set.of("local", "plant-ca.v2", "line_7");
    /** A further name of the service ({@code service.hostAliases}). */
    static final String ALIAS = "dps-alias.example.test";
    static final String READER = "reader";
    static final String READER_KEY = newKey();
    /** A policy with {@code EnrollmentWrite} only: it may write enrollments but not read their keys. */
    static final String WRITER = "writer";
    static final String WRITER_KEY = newKey();

    final InMemoryStore store = new InMemoryStore();
    final ServicePolicies policies;
    final ServiceApi api;
    final String ownerKey;
    private final DpsMetrics metrics = new DpsMetrics(new SimpleMeterRegistry());
    private final TestStoreThreads threads = new TestStoreThreads(metrics, 2, 64);

    ServiceApiFixture(Path dataDir) {
        this(dataDir, 10, 100);
    }

    ServiceApiFixture(Path dataDir, int maxBulkItems, int maxQueryPageSize) {
        ServiceApiConfig config = new ServiceApiConfig(HOST, List.of(ALIAS), List.of(
                new ServicePolicyConfig(READER, List.of("EnrollmentRead", "RegistrationStatusRead"), READER_KEY,
                        newKey()),
                new ServicePolicyConfig(WRITER, List.of("EnrollmentWrite"), WRITER_KEY, newKey())),
                maxBulkItems, maxQueryPageSize, ServiceApiConfig.DEFAULT_MAX_TOKEN_LIFETIME_SECONDS);
        policies = ServicePolicies.load(dataDir, config);
        ownerKey = policies.find(ServicePolicyNames.OWNER).orElseThrow().primaryKey();
        api = new ServiceApi(store, threads.executor(), threads.health(),
                new ServiceAuthenticator(policies, new SasVerifier(Duration.ZERO, Clock.systemUTC()), config),
                new EnrollmentRules(List.of(LinkedHub.of(HUB_A), LinkedHub.of(HUB_B)), CREDENTIAL_POLICIES), config,
                new Quotas(new ThrottlingConfig(0, 0, 0), metrics), new FaultRules(List.of(), metrics),
                new LinkedHubsResource(List.of(LinkedHub.of(HUB_A), new LinkedHub(HUB_B, 7, false)),
                        AllocationPolicy.GEO_LATENCY));
    }

    Call call(String method, String uri) {
        return new Call(HttpMethod.valueOf(method), uri);
    }

    @Override
    public void close() {
        threads.close();
        store.close();
    }

    static String newKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    final class Call {

        private final HttpMethod method;
        private final String uri;
        private final HttpHeaders headers = new DefaultHttpHeaders();
        private byte[] body = new byte[0];

        private Call(HttpMethod method, String uri) {
            this.method = method;
            this.uri = uri;
            headers.set("Host", HOST);
            headers.set("Authorization", SasTokens.create(HOST, ownerKey, Instant.now().plusSeconds(600),
                    ServicePolicyNames.OWNER));
        }

        Call header(String name, String value) {
            if (value == null) {
                headers.remove(name);
            } else {
                headers.set(name, value);
            }
            return this;
        }

        Call as(String policy, String key) {
            return header("Authorization", SasTokens.create(HOST, key, Instant.now().plusSeconds(600), policy));
        }

        Call body(String json) {
            this.body = json.getBytes(StandardCharsets.UTF_8);
            return this;
        }

        /** The answer; fails when the service API does not claim the path. */
        Reply send() {
            return sendIfClaimed().orElseThrow(() -> new AssertionError(method + " " + uri + " was not claimed"));
        }

        Optional<Reply> sendIfClaimed() {
            FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, uri,
                    Unpooled.wrappedBuffer(body));
            request.headers().set(headers);
            Optional<CompletableFuture<FullHttpResponse>> answer;
            try {
                answer = api.handle(request);
            } finally {
                request.release();
            }
            return answer.map(ServiceApiFixture::reply);
        }
    }

    private static Reply reply(CompletableFuture<FullHttpResponse> future) {
        FullHttpResponse response;
        try {
            response = future.get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("no answer", e);
        }
        try {
            return new Reply(response.status().code(), new DefaultHttpHeaders().set(response.headers()),
                    response.content().toString(StandardCharsets.UTF_8));
        } finally {
            response.release();
        }
    }

    record Reply(int status, HttpHeaders headers, String body) {

        JsonNode json() {
            try {
                return DpsJson.mapper().readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException("not JSON: " + body, e);
            }
        }

        String header(String name) {
            return headers.get(name);
        }

        int errorCode() {
            return json().path("errorCode").asInt();
        }

        @Override
        public String toString() {
            return status + " " + headers + " " + body;
        }
    }
}
