package io.dpsemu.server.cli.manage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * What a command on the server's machine reads from the server's data directory, in the layout the
 * server writes it: the CA clients must trust, the owner policy of the service API, and the id scope
 * devices use. The client commands take their defaults from it when no option says otherwise.
 *
 * @param path the directory ({@code --data-dir}, else the server's {@value #ENV}, else {@code ./dpsemu-data})
 */
public record DataDirectory(Path path) {

    public static final Path DEFAULT = Path.of("dpsemu-data");
    /** The server's variable for its key {@code dataDir} (ConfigLoader's naming), set in its image and units. */
    public static final String ENV = "DPSEMU_DATA_DIR";
    private static final String ID_SCOPE_FILE = "id-scope";
    private static final String POLICIES_FILE = "service-policies.json";

    /**
     * @param dir the {@code --data-dir} option, or null: then the server's own {@value #ENV} from
     *            {@code environment}, so a command run where the server runs finds it without flags
     */
    public static DataDirectory of(Path dir, Map<String, String> environment) {
        if (dir != null) {
            return new DataDirectory(dir);
        }
        String value = environment.get(ENV);
        return new DataDirectory(value == null || value.isBlank() ? DEFAULT : Path.of(value.trim()));
    }

    /** {@code tls/ca.pem}, when the server generated its certificate there. */
    public Optional<Path> caCertificate() {
        Path ca = path.resolve("tls").resolve("ca.pem");
        return Files.isRegularFile(ca) ? Optional.of(ca) : Optional.empty();
    }

    /** The id scope the server generated on its first start, when it did. */
    public Optional<String> idScope() {
        Path file = path.resolve(ID_SCOPE_FILE);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            String scope = Files.readString(file, StandardCharsets.UTF_8).strip();
            return scope.isEmpty() ? Optional.empty() : Optional.of(scope);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * The CA to trust: {@code explicit} when given, else {@link #caCertificate()}, else null for the
     * JVM's trust store.
     */
    public Path trustedCa(Path explicit) {
        return explicit != null ? explicit : caCertificate().orElse(null);
    }

    Path servicePolicies() {
        return path.resolve(POLICIES_FILE);
    }
}
