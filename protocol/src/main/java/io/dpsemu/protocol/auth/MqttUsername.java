package io.dpsemu.protocol.auth;

import io.dpsemu.protocol.DpsProtocolException;
import io.dpsemu.protocol.PercentEncoding;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The MQTT CONNECT username {@code {idScope}/registrations/{registrationId}/{query}}
 * (docs/protocol-notes.md#mqtt-connect). The query is read leniently because every SDK writes it differently:
 * values are percent-decoded when they can be, kept raw when not (embedded C copies its user
 * agent unencoded), and unknown parameters are kept but carry no meaning.
 *
 * @param clientVersion the {@code ClientVersion} parameter, or null when absent
 * @param parameters every query parameter, decoded, in order of appearance (first one wins)
 */
public record MqttUsername(
        String idScope,
        String registrationId,
        String apiVersion,
        String clientVersion,
        Map<String, String> parameters) {

    private static final String REGISTRATIONS = "registrations/";
    private static final String EXPECTED_FORM =
            "expected {idScope}/registrations/{registrationId}/api-version=2019-03-31";

    public MqttUsername {
        Objects.requireNonNull(idScope, "idScope");
        Objects.requireNonNull(registrationId, "registrationId");
        Objects.requireNonNull(apiVersion, "apiVersion");
        parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
    }

    /** @throws DpsProtocolException saying what is wrong with the username */
    public static MqttUsername parse(String username) {
        if (username == null || username.isEmpty()) {
            throw new DpsProtocolException("MQTT username is empty; " + EXPECTED_FORM);
        }
        int scopeEnd = username.indexOf('/');
        if (scopeEnd < 0 || !username.startsWith(REGISTRATIONS, scopeEnd + 1)) {
            throw new DpsProtocolException("MQTT username " + Printable.quote(username)
                    + " does not have the form {idScope}/registrations/...; " + EXPECTED_FORM);
        }
        if (scopeEnd == 0) {
            throw new DpsProtocolException("MQTT username has an empty ID scope; " + EXPECTED_FORM);
        }
        int idStart = scopeEnd + 1 + REGISTRATIONS.length();
        int idEnd = username.indexOf('/', idStart);
        if (idEnd < 0) {
            throw new DpsProtocolException("MQTT username " + Printable.quote(username)
                    + " has no '/' and query after the registration id; " + EXPECTED_FORM);
        }
        String registrationId = username.substring(idStart, idEnd);
        Optional<String> problem = RegistrationIds.problem(registrationId);
        if (problem.isPresent()) {
            throw new DpsProtocolException("MQTT username: " + problem.get());
        }
        Map<String, String> parameters = parseQuery(username.substring(idEnd + 1));
        String apiVersion = parameter(parameters, "api-version");
        if (apiVersion == null || apiVersion.isEmpty()) {
            throw new DpsProtocolException("MQTT username has no api-version parameter; " + EXPECTED_FORM);
        }
        return new MqttUsername(username.substring(0, scopeEnd), registrationId, apiVersion,
                parameter(parameters, "ClientVersion"), parameters);
    }

    private static Map<String, String> parseQuery(String query) {
        Map<String, String> parameters = new LinkedHashMap<>();
        int start = 0;
        while (start <= query.length()) {
            int end = query.indexOf('&', start);
            if (end < 0) {
                end = query.length();
            }
            if (end > start) {
                int eq = query.indexOf('=', start);
                boolean hasValue = eq >= 0 && eq < end;
                String key = decodeOrRaw(query.substring(start, hasValue ? eq : end));
                String value = hasValue ? decodeOrRaw(query.substring(eq + 1, end)) : "";
                parameters.putIfAbsent(key, value);
            }
            start = end + 1;
        }
        return parameters;
    }

    private static String decodeOrRaw(String text) {
        try {
            return PercentEncoding.decode(text);
        } catch (IllegalArgumentException e) {
            return text;
        }
    }

    /** Parameter names are matched ignoring case: no SDK varies them, but nothing is gained by refusing. */
    private static String parameter(Map<String, String> parameters, String name) {
        for (Map.Entry<String, String> e : parameters.entrySet()) {
            if (e.getKey().equalsIgnoreCase(name)) {
                return e.getValue();
            }
        }
        return null;
    }
}
