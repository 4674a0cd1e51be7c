package io.dpsemu.server.http;

import io.dpsemu.protocol.DpsProtocolException;
import io.dpsemu.protocol.PercentEncoding;
import io.dpsemu.protocol.Transport;
import io.dpsemu.protocol.json.DpsJson;
import io.dpsemu.protocol.model.DeviceRegistration;
import io.dpsemu.protocol.model.ErrorCodes;
import io.dpsemu.server.device.DeviceClient;
import io.dpsemu.server.device.DeviceIdentity;
import io.dpsemu.server.device.DeviceResponse;
import io.dpsemu.server.provisioning.RegistrationService;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * The DPS device REST API (docs/protocol-notes.md#https-device-api) on the same engine as MQTT:
 * {@code PUT /{idScope}/registrations/{registrationId}/register},
 * {@code GET /{idScope}/registrations/{registrationId}/operations/{operationId}} and
 * {@code POST /{idScope}/registrations/{registrationId}} (status lookup). Every request carries its
 * own credentials: HTTP connections are not sessions.
 */
public final class DeviceApi {

    private static final String REGISTRATIONS = "registrations";

    private final RegistrationService registrations;

    public DeviceApi(RegistrationService registrations) {
        this.registrations = registrations;
    }

    /**
     * The response to a device API request, or empty when the path is none of the API's.
     *
     * @param certificateChain the client certificate chain of the connection's TLS session, leaf first;
     *                         read only for a request without a SAS token
     */
    public Optional<CompletableFuture<FullHttpResponse>> handle(FullHttpRequest request,
            Supplier<List<X509Certificate>> certificateChain) {
        QueryStringDecoder uri = new QueryStringDecoder(request.uri());
        List<String> path = segments(uri.rawPath());
        if (path.size() < 3 || path.size() > 5 || !REGISTRATIONS.equals(path.get(1))) {
            return Optional.empty();
        }
        Route route = Route.of(path);
        if (route == null) {
            return Optional.empty();
        }
        if (!route.method.equals(request.method())) {
            FullHttpResponse refused = HttpResponses.error(ErrorCodes.METHOD_NOT_ALLOWED,
                    request.method() + " is not allowed here; use " + route.method);
            refused.headers().set(HttpHeaderNames.ALLOW, route.method.name());
            return Optional.of(CompletableFuture.completedFuture(refused));
        }
        return Optional.of(answer(route, path, uri, request, certificateChain));
    }

    private CompletableFuture<FullHttpResponse> answer(Route route, List<String> path, QueryStringDecoder uri,
            FullHttpRequest request, Supplier<List<X509Certificate>> certificateChain) {
        if (!uri.parameters().containsKey("api-version")) {
            return done(HttpResponses.error(ErrorCodes.BAD_REQUEST, "the api-version query parameter is required"));
        }
        String idScope;
        String registrationId;
        try {
            idScope = PercentEncoding.decode(path.get(0));
            registrationId = PercentEncoding.decode(path.get(2));
        } catch (IllegalArgumentException e) {
            return done(HttpResponses.error(ErrorCodes.BAD_REQUEST, "bad path: " + e.getMessage()));
        }
        DeviceIdentity identity = DeviceIdentity.of(idScope, registrationId,
                request.headers().get(HttpHeaderNames.AUTHORIZATION), certificateChain);
        DeviceClient client = new DeviceClient(Transport.HTTPS, uri.parameters().get("api-version").get(0));
        byte[] body = ByteBufUtil.getBytes(request.content());
        return switch (route) {
            case REGISTER -> register(identity, client, request, body);
            case OPERATION -> registrations.operationStatus(identity, client, decodeOrRaw(path.get(4)), false)
                    .thenApply(DeviceApi::toHttp);
            case LOOKUP -> carriesCsr(body)
                    ? done(HttpResponses.error(ErrorCodes.BAD_REQUEST, "a status lookup takes no csr; send it with "
                            + "the register request (PUT /{idScope}/registrations/{registrationId}/register)"))
                    : registrations.registrationStatus(identity, client).thenApply(DeviceApi::toHttp);
        };
    }

    /**
     * Whether a status lookup's body asks for a certificate, which DPS refuses there. Any other body is
     * ignored, as it always was: SDKs send the register body again or nothing.
     */
    private static boolean carriesCsr(byte[] body) {
        try {
            return !isBlank(body) && DpsJson.readDeviceRegistration(body).csr() != null;
        } catch (DpsProtocolException e) {
            return false;
        }
    }

    private CompletableFuture<FullHttpResponse> register(DeviceIdentity identity, DeviceClient client,
            FullHttpRequest request, byte[] body) {
        String contentType = request.headers().get(HttpHeaderNames.CONTENT_TYPE);
        if (!isBlank(body) && contentType != null && !contentType.toLowerCase(java.util.Locale.ROOT).contains("json")) {
            return done(HttpResponses.error(ErrorCodes.UNSUPPORTED_MEDIA_TYPE,
                    "the register body must be application/json, not " + contentType));
        }
        DeviceRegistration registration;
        try {
            registration = DpsJson.readDeviceRegistration(body);
        } catch (DpsProtocolException e) {
            return done(HttpResponses.error(ErrorCodes.BAD_REQUEST, "bad register body: " + e.getMessage()));
        }
        if (registration.tpm() != null) {
            return done(HttpResponses.error(ErrorCodes.BAD_REQUEST,
                    "TPM attestation is not supported by dpsemu; use a symmetric key or X.509"));
        }
        String host = request.headers().get(HttpHeaderNames.HOST, "localhost");
        String location = "https://" + host + "/" + identity.idScope() + "/registrations/" + identity.registrationId()
                + "/register";
        return registrations.register(identity, client, registration).thenApply(answer -> {
            FullHttpResponse response = toHttp(answer);
            if (answer.status() == 202) {
                response.headers().set(HttpHeaderNames.LOCATION, location);
            }
            return response;
        });
    }

    private static FullHttpResponse toHttp(DeviceResponse answer) {
        if (answer.dropConnection()) {
            throw new DropConnection();
        }
        FullHttpResponse response = HttpResponses.json(answer.status(), answer.body());
        if (answer.retryAfterSeconds() != null) {
            response.headers().set(HttpHeaderNames.RETRY_AFTER, answer.retryAfterSeconds());
        }
        return response;
    }

    private static List<String> segments(String rawPath) {
        String trimmed = rawPath.startsWith("/") ? rawPath.substring(1) : rawPath;
        return trimmed.isEmpty() ? List.of() : List.of(trimmed.split("/", -1));
    }

    private static String decodeOrRaw(String value) {
        try {
            return PercentEncoding.decode(value);
        } catch (IllegalArgumentException e) {
            return value;
        }
    }

    private static boolean isBlank(byte[] body) {
        for (byte b : body) {
            if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
                return false;
            }
        }
        return true;
    }

    private static CompletableFuture<FullHttpResponse> done(FullHttpResponse response) {
        return CompletableFuture.completedFuture(response);
    }

    /** The three device routes, by the shape of their path. */
    private enum Route {
        REGISTER(HttpMethod.PUT),
        OPERATION(HttpMethod.GET),
        LOOKUP(HttpMethod.POST);

        private final HttpMethod method;

        Route(HttpMethod method) {
            this.method = method;
        }

        static Route of(List<String> path) {
            boolean named = path.stream().noneMatch(String::isEmpty);
            if (!named) {
                return null;
            }
            if (path.size() == 3) {
                return LOOKUP;
            }
            if (path.size() == 4 && path.get(3).equals("register")) {
                return REGISTER;
            }
            if (path.size() == 5 && path.get(3).equals("operations")) {
                return OPERATION;
            }
            return null;
        }
    }
}
