package io.dpsemu.server.cli.manage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dpsemu.protocol.auth.ServicePolicyNames;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * How the management commands reach the service API: {@code --connection-string}, else the
 * environment variable {@value #ENV_CONNECTION_STRING}, else the owner policy kept in the local data
 * directory (host {@code localhost}). The server certificate is checked against {@code --ca}, else
 * {@code <data-dir>/tls/ca.pem} when it exists, else the JVM's trust store; host names are verified.
 *
 * <p>The data directory and, for the local server found there, the port default to the server's own
 * environment variables ({@value DataDirectory#ENV}, {@value #ENV_HTTPS_PORT}), so a command run where the
 * server runs (in its container, with its systemd environment file) finds it without flags.
 */
final class ConnectionOptions {

    static final String ENV_CONNECTION_STRING = "DPSEMU_CONNECTION_STRING";
    static final int DEFAULT_PORT = 443;
    /** The server's variable for its key {@code httpsPort} (ConfigLoader's naming). */
    static final String ENV_HTTPS_PORT = "DPSEMU_HTTPS_PORT";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(names = "--connection-string", paramLabel = "STRING", order = 100,
            description = "HostName=...;SharedAccessKeyName=...;SharedAccessKey=... as the server prints it at start"
                    + " (default: $" + ENV_CONNECTION_STRING + ", else the owner key in --data-dir)")
    String connectionString;

    @Option(names = "--data-dir", paramLabel = "DIR", order = 101,
            description = "the server's data directory, for the owner key and tls/ca.pem (default $" + DataDirectory.ENV
                    + ", else ./dpsemu-data)")
    Path dataDir;

    @Option(names = "--port", paramLabel = "PORT", order = 102,
            description = "the server's HTTPS port (default: the port in HostName; for the owner key in --data-dir $"
                    + ENV_HTTPS_PORT + "; else 443)")
    Integer port;

    @Option(names = "--ca", paramLabel = "FILE", order = 103,
            description = "PEM CA certificate(s) to trust (default: <data-dir>/tls/ca.pem when it exists, else the"
                    + " JVM's trust store)")
    Path ca;

    Connection resolve(Map<String, String> environment) {
        DataDirectory data = DataDirectory.of(dataDir, environment);
        Path trusted = trustedCa(data);
        if (connectionString != null) {
            return fromConnectionString(connectionString, "--connection-string", trusted);
        }
        String fromEnvironment = environment.get(ENV_CONNECTION_STRING);
        if (fromEnvironment != null && !fromEnvironment.isBlank()) {
            return fromConnectionString(fromEnvironment, ENV_CONNECTION_STRING, trusted);
        }
        return fromDataDir(data, trusted, portFrom(environment));
    }

    /**
     * The local server's HTTPS port from its environment, or null. Only for the owner key of the local
     * data directory: a connection string names a server that may be elsewhere, with a port of its own.
     */
    private static Integer portFrom(Map<String, String> environment) {
        String value = environment.get(ENV_HTTPS_PORT);
        if (value == null || value.isBlank()) {
            return null;
        }
        int port;
        try {
            port = Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            port = 0;
        }
        if (port < 1 || port > 65535) {
            throw new BadInputException("$" + ENV_HTTPS_PORT, "must be the server's port, 1-65535, got '" + value
                    + "' (give --port)");
        }
        return port;
    }

    private Path trustedCa(DataDirectory data) {
        if (ca != null && !Files.isRegularFile(ca)) {
            throw new BadInputException("--ca", "no such file: " + ca);
        }
        return data.trustedCa(ca);
    }

    private Connection fromConnectionString(String text, String option, Path trusted) {
        Map<String, String> parts = parse(text, option);
        String hostName = parts.get("hostname");
        if (hostName == null || hostName.isBlank()) {
            throw new BadInputException(option, "has no HostName=...");
        }
        HostPort hostPort = hostPort(hostName.trim(), option);
        int effectivePort = port(hostPort.port());
        String resource = hostPort.host().toLowerCase(Locale.ROOT);
        String signature = parts.get("sharedaccesssignature");
        if (signature != null && !signature.isBlank()) {
            String token = signature.trim();
            return new Connection(hostPort.host(), effectivePort, resource, null, null,
                    token.startsWith("SharedAccessSignature ") ? token : "SharedAccessSignature " + token, trusted,
                    option);
        }
        String keyName = parts.get("sharedaccesskeyname");
        String key = parts.get("sharedaccesskey");
        if (keyName == null || keyName.isBlank() || key == null || key.isBlank()) {
            throw new BadInputException(option, "needs SharedAccessKeyName=... and SharedAccessKey=... (or"
                    + " SharedAccessSignature=...)");
        }
        checkKey(key.trim(), option, "SharedAccessKey");
        return new Connection(hostPort.host(), effectivePort, resource, keyName.trim(), key.trim(), null, trusted,
                option);
    }

    private Connection fromDataDir(DataDirectory data, Path trusted, Integer serverPort) {
        Path file = data.servicePolicies();
        String source = "the owner policy in " + file;
        if (!Files.isRegularFile(file)) {
            throw new BadInputException("--data-dir", "there is no " + file + "; start the server with this data"
                    + " directory first, or give --connection-string or $" + ENV_CONNECTION_STRING);
        }
        JsonNode policies;
        try {
            policies = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new ManageException("cannot read " + file + ": " + e.getMessage());
        }
        for (JsonNode policy : policies) {
            if (ServicePolicyNames.OWNER.equalsIgnoreCase(policy.path("name").asText())) {
                String key = policy.path("primaryKey").asText(null);
                if (key == null || key.isBlank()) {
                    throw new ManageException(file + ": the " + ServicePolicyNames.OWNER + " policy has no primaryKey");
                }
                if (!isBase64(key)) {
                    throw new ManageException(file + ": the primaryKey of " + ServicePolicyNames.OWNER
                            + " is not base64");
                }
                return new Connection("localhost", port(serverPort), "localhost", policy.path("name").asText(), key,
                        null, trusted, source);
            }
        }
        throw new ManageException(file + " has no " + ServicePolicyNames.OWNER + " policy");
    }

    private int port(Integer fromHostName) {
        int chosen = port != null ? port : fromHostName != null ? fromHostName : DEFAULT_PORT;
        if (chosen < 1 || chosen > 65535) {
            throw new BadInputException("--port", "must be between 1 and 65535, got " + chosen);
        }
        return chosen;
    }

    /** {@code Key=Value;...}; keys in any case; a value may contain '=' (base64 padding). */
    static Map<String, String> parse(String text, String option) {
        Map<String, String> parts = new LinkedHashMap<>();
        for (String part : text.split(";")) {
            if (part.isBlank()) {
                continue;
            }
            int eq = part.indexOf('=');
            if (eq <= 0) {
                throw new BadInputException(option, "'" + part.trim() + "' is not Key=Value; expected"
                        + " HostName=...;SharedAccessKeyName=...;SharedAccessKey=...");
            }
            parts.put(part.substring(0, eq).trim().toLowerCase(Locale.ROOT), part.substring(eq + 1));
        }
        return parts;
    }

    private record HostPort(String host, Integer port) {
    }

    private static HostPort hostPort(String hostName, String option) {
        String host = hostName;
        String portText = null;
        if (hostName.startsWith("[")) {
            int close = hostName.indexOf(']');
            if (close < 0) {
                throw new BadInputException(option, "HostName '" + hostName + "' has no closing ']'");
            }
            host = hostName.substring(1, close);
            if (close + 1 < hostName.length()) {
                if (hostName.charAt(close + 1) != ':') {
                    throw new BadInputException(option, "HostName '" + hostName + "' is not [address]:port");
                }
                portText = hostName.substring(close + 2);
            }
        } else if (hostName.indexOf(':') >= 0 && hostName.indexOf(':') == hostName.lastIndexOf(':')) {
            host = hostName.substring(0, hostName.indexOf(':'));
            portText = hostName.substring(hostName.indexOf(':') + 1);
        }
        if (host.isEmpty() || host.contains("/")) {
            throw new BadInputException(option, "HostName '" + hostName + "' is not a host name");
        }
        if (portText == null) {
            return new HostPort(host, null);
        }
        try {
            return new HostPort(host, Integer.parseInt(portText));
        } catch (NumberFormatException e) {
            throw new BadInputException(option, "HostName '" + hostName + "' has a port that is not a number");
        }
    }

    private static void checkKey(String key, String option, String field) {
        if (!isBase64(key)) {
            throw new BadInputException(option, field + " is not base64");
        }
    }

    private static boolean isBase64(String key) {
        try {
            return Base64.getDecoder().decode(key).length > 0;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
