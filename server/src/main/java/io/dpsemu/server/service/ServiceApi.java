package io.dpsemu.server.service;

import io.dpsemu.protocol.LogSafe;
import io.dpsemu.protocol.model.ErrorCodes;
import io.dpsemu.server.config.ServiceApiConfig;
import io.dpsemu.server.config.ServiceRights;
import io.dpsemu.server.enrollment.EnrollmentRules;
import io.dpsemu.server.enrollment.InvalidEnrollmentException;
import io.dpsemu.server.faults.FaultRules;
import io.dpsemu.server.metrics.StoreHealth;
import io.dpsemu.server.provisioning.StoreExecutor;
import io.dpsemu.server.service.ServiceAuthenticator.Caller;
import io.dpsemu.server.throttling.Quotas;
import io.dpsemu.server.throttling.Throttled;
import io.dpsemu.store.PreconditionFailedException;
import io.dpsemu.store.Store;
import io.dpsemu.store.StoreException;
import io.dpsemu.store.StoreFullException;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The DPS service REST API on the HTTPS port (docs/protocol-notes.md#service-api): individual enrollments, enrollment
 * groups and registration records, with DPS's paths, SAS policies and rights, If-Match, paging and
 * bulk operations. Changes reach the provisioning engine at once: both read the same store. Calls
 * count against {@code throttling.operationsPerMinute}. Also dpsemu's extension {@code /dpsemu/faults}
 * ({@link FaultResource}), which is not a DPS operation and is never throttled.
 */
public final class ServiceApi {

    private static final Logger LOG = LoggerFactory.getLogger(ServiceApi.class);
    private static final int RETRY_AFTER_SECONDS = 3;
    private static final Set<String> RESOURCES = Set.of("enrollments", "enrollmentGroups", "registrations",
            FaultResource.EXTENSION);

    private final ServiceAuthenticator authenticator;
    private final StoreExecutor executor;
    private final StoreHealth health;
    private final EnrollmentResource<?> enrollments;
    private final EnrollmentResource<?> groups;
    private final RegistrationResource registrations;
    private final FaultResource faults;
    private final LinkedHubsResource linkedHubs;
    private final Quotas quotas;

    public ServiceApi(Store store, StoreExecutor executor, StoreHealth health, ServiceAuthenticator authenticator,
            EnrollmentRules rules, ServiceApiConfig config, Quotas quotas, FaultRules faultRules,
            LinkedHubsResource linkedHubs) {
        this.authenticator = authenticator;
        this.executor = executor;
        this.health = health;
        this.enrollments = new EnrollmentResource<>(new IndividualEnrollments(store, rules), config.maxBulkItems(),
                config.maxQueryPageSize());
        this.groups = new EnrollmentResource<>(new EnrollmentGroups(store, rules), config.maxBulkItems(),
                config.maxQueryPageSize());
        this.registrations = new RegistrationResource(store, config.maxQueryPageSize());
        this.faults = new FaultResource(faultRules);
        this.linkedHubs = linkedHubs;
        this.quotas = quotas;
    }

    /** The response, or empty when the path belongs to no service resource. */
    public Optional<CompletableFuture<FullHttpResponse>> handle(FullHttpRequest http) {
        List<String> raw = ServiceRequest.rawSegments(http.uri());
        if (raw.isEmpty() || !RESOURCES.contains(raw.get(0)) || raw.stream().anyMatch(String::isEmpty)) {
            return Optional.empty();
        }
        List<String> path;
        try {
            path = ServiceRequest.decode(raw);
        } catch (IllegalArgumentException e) {
            return Optional.of(CompletableFuture.completedFuture(
                    ServiceResponses.error(ErrorCodes.BAD_REQUEST, "bad path: " + e.getMessage())));
        }
        ServiceRequest request = ServiceRequest.of(http, path);
        Route route = route(request);
        if (route == null) {
            return Optional.empty();
        }
        Caller caller = route.right() == null ? null : authenticator.check(request.authorization(), route.right());
        if (caller != null && !caller.allowed()) {
            return Optional.of(CompletableFuture.completedFuture(ServiceResponses.error(caller.refusal())));
        }
        if (route.extension()) {
            return Optional.of(CompletableFuture.completedFuture(route.work().apply(caller)));
        }
        Optional<Throttled> throttled = route.right() == null ? Optional.empty() : quotas.admitServiceCall();
        if (throttled.isPresent()) {
            return Optional.of(CompletableFuture.completedFuture(retryLater(ErrorCodes.THROTTLED,
                    throttled.get().reason(), throttled.get().retryAfterSeconds())));
        }
        return Optional.of(onStore(() -> route.work().apply(caller)));
    }

    private Route route(ServiceRequest request) {
        String resource = request.path().get(0);
        HttpMethod method = request.method();
        if (resource.equals("enrollments") || resource.equals("enrollmentGroups")) {
            return documentRoute(resource.equals("enrollments") ? enrollments : groups, request, method);
        }
        if (resource.equals("registrations")) {
            return registrationRoute(request, method);
        }
        if (resource.equals(FaultResource.EXTENSION)) {
            return extensionRoute(request, method);
        }
        return null;
    }

    private static Route documentRoute(EnrollmentResource<?> resource, ServiceRequest request, HttpMethod method) {
        List<String> path = request.path();
        if (path.size() == 1) {
            return method.equals(HttpMethod.POST)
                    ? new Route(ServiceRights.ENROLLMENT_WRITE, () -> resource.bulk(request))
                    : notAllowed(method, "POST");
        }
        String id = path.get(1);
        if (path.size() == 2) {
            if (method.equals(HttpMethod.POST) && id.equals("query")) {
                return new Route(ServiceRights.ENROLLMENT_READ, () -> resource.query(request));
            }
            if (method.equals(HttpMethod.PUT)) {
                // the written document's keys go back only to a caller who may read them
                return new Route(ServiceRights.ENROLLMENT_WRITE,
                        caller -> resource.put(id, request, caller.may(ServiceRights.ENROLLMENT_READ)), false);
            }
            if (method.equals(HttpMethod.GET)) {
                return new Route(ServiceRights.ENROLLMENT_READ, () -> resource.get(id));
            }
            if (method.equals(HttpMethod.DELETE)) {
                return new Route(ServiceRights.ENROLLMENT_WRITE, () -> resource.delete(id, request.ifMatch()));
            }
            return notAllowed(method, "GET, PUT, DELETE");
        }
        if (path.size() == 3 && path.get(2).equals("attestationmechanism")) {
            return method.equals(HttpMethod.POST)
                    ? new Route(ServiceRights.ENROLLMENT_READ, () -> resource.attestationMechanism(id))
                    : notAllowed(method, "POST");
        }
        return null;
    }

    private Route registrationRoute(ServiceRequest request, HttpMethod method) {
        List<String> path = request.path();
        if (path.size() == 1) {
            return method.equals(HttpMethod.GET)
                    ? new Route(ServiceRights.REGISTRATION_STATUS_READ, () -> registrations.list(null, request))
                    : notAllowed(method, "GET");
        }
        String id = path.get(1);
        if (path.size() == 2) {
            if (method.equals(HttpMethod.GET)) {
                return new Route(ServiceRights.REGISTRATION_STATUS_READ, () -> registrations.get(id));
            }
            if (method.equals(HttpMethod.DELETE)) {
                return new Route(ServiceRights.REGISTRATION_STATUS_WRITE,
                        () -> registrations.delete(id, request.ifMatch()));
            }
            return notAllowed(method, "GET, DELETE");
        }
        if (path.size() == 3 && path.get(2).equals("query")) {
            return method.equals(HttpMethod.POST)
                    ? new Route(ServiceRights.REGISTRATION_STATUS_READ, () -> registrations.list(id, request))
                    : notAllowed(method, "POST");
        }
        return null;
    }

    /** Null for any other {@code /dpsemu/...} path: the device API may own it (an id scope named "dpsemu"). */
    private Route extensionRoute(ServiceRequest request, HttpMethod method) {
        List<String> path = request.path();
        if (path.size() == 2 && path.get(1).equals(LinkedHubsResource.LINKED_HUBS)) {
            return method.equals(HttpMethod.GET) ? new Route(ServiceRights.ENROLLMENT_READ, linkedHubs::get, true)
                    : notAllowed(method, "GET");
        }
        if (path.size() < 2 || path.size() > 3 || !path.get(1).equals(FaultResource.FAULTS)) {
            return null;
        }
        if (path.size() == 2) {
            if (method.equals(HttpMethod.GET)) {
                return new Route(ServiceRights.ENROLLMENT_READ, faults::list, true);
            }
            if (method.equals(HttpMethod.POST)) {
                return new Route(ServiceRights.ENROLLMENT_WRITE, () -> faults.add(request.body()), true);
            }
            if (method.equals(HttpMethod.DELETE)) {
                return new Route(ServiceRights.ENROLLMENT_WRITE, faults::clear, true);
            }
            return notAllowed(method, "GET, POST, DELETE");
        }
        return method.equals(HttpMethod.DELETE)
                ? new Route(ServiceRights.ENROLLMENT_WRITE, () -> faults.remove(path.get(2)), true)
                : notAllowed(method, "DELETE");
    }

    /** A known path with the wrong method: answered 405 whatever the credentials, like any HTTP server. */
    private static Route notAllowed(HttpMethod method, String allowed) {
        return new Route(null, () -> {
            FullHttpResponse response = ServiceResponses.error(ErrorCodes.METHOD_NOT_ALLOWED,
                    method + " is not allowed here; use " + allowed);
            response.headers().set(HttpHeaderNames.ALLOW, allowed);
            return response;
        });
    }

    /** Store work with the store's deadline: a stalled store is answered 503 at once, a call past the deadline 503. */
    private CompletableFuture<FullHttpResponse> onStore(Supplier<FullHttpResponse> work) {
        if (health.isStalled()) {
            return CompletableFuture.completedFuture(storeUnavailable(health.describe()));
        }
        try {
            return executor.submit(answer -> answer.complete(safely(work)), () -> storeUnavailable(
                    "it has not answered within " + executor.watchdog().callTimeout().toMillis() + " ms"));
        } catch (RejectedExecutionException e) {
            return CompletableFuture.completedFuture(
                    retryLater(ErrorCodes.SERVER_BUSY, "the server is busy", RETRY_AFTER_SECONDS));
        }
    }

    private static FullHttpResponse storeUnavailable(String why) {
        return retryLater(ErrorCodes.STORE_UNAVAILABLE, "the store is unavailable (" + why + "), retry later",
                RETRY_AFTER_SECONDS);
    }

    private FullHttpResponse safely(Supplier<FullHttpResponse> work) {
        try {
            FullHttpResponse response = work.get();
            health.succeeded();
            return response;
        } catch (InvalidEnrollmentException e) {
            return ServiceResponses.invalid(e.getMessage());
        } catch (PreconditionFailedException e) {
            return ServiceResponses.error(ErrorCodes.PRECONDITION_FAILED, e.getMessage());
        } catch (StoreFullException e) {
            return ServiceResponses.error(ErrorCodes.LIMIT_REACHED, e.getMessage());
        } catch (StoreException e) {
            health.failed(e);
            LOG.warn("store failure in the service API: {}", LogSafe.of(e.getMessage()));
            return storeUnavailable("a store call failed");
        } catch (IllegalArgumentException e) {
            return ServiceResponses.error(ErrorCodes.BAD_REQUEST, e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("unexpected failure in the service API", e);
            return ServiceResponses.error(ErrorCodes.INTERNAL_ERROR, "internal error");
        }
    }

    private static FullHttpResponse retryLater(int errorCode, String message, int retryAfterSeconds) {
        FullHttpResponse response = ServiceResponses.error(errorCode, message);
        response.headers().set(HttpHeaderNames.RETRY_AFTER, retryAfterSeconds);
        return response;
    }

    /**
     * @param right     the right the caller's policy needs; null for answers that need none
     * @param work      the answer, given the authenticated caller (null when {@code right} is null)
     * @param extension dpsemu's own in-memory resource: answered at once, never throttled
     */
    private record Route(String right, Function<Caller, FullHttpResponse> work, boolean extension) {

        Route(String right, Supplier<FullHttpResponse> work, boolean extension) {
            this(right, caller -> work.get(), extension);
        }

        Route(String right, Supplier<FullHttpResponse> work) {
            this(right, work, false);
        }
    }
}
