package io.dpsemu.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Locale;

/**
 * The id scope of this server: configured, or generated once and kept in the data directory so
 * devices keep working across restarts. Generated scopes look like DPS's ({@code 0ne} + 8 hex).
 */
final class IdScopes {

    static final String FILE_NAME = "id-scope";

    private IdScopes() {
    }

    static String loadOrCreate(Path dataDir) {
        Path file = dataDir.resolve(FILE_NAME);
        try {
            if (Files.exists(file)) {
                String scope = Files.readString(file, StandardCharsets.UTF_8).trim();
                if (!scope.isEmpty()) {
                    return scope;
                }
            }
            byte[] random = new byte[4];
            new SecureRandom().nextBytes(random);
            String scope = "0ne" + HexFormat.of().formatHex(random).toUpperCase(Locale.ROOT);
            Files.createDirectories(dataDir);
            Path temp = Files.createTempFile(dataDir, FILE_NAME, ".tmp");
            Files.writeString(temp, scope + "\n", StandardCharsets.UTF_8);
            Files.move(temp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            return scope;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep the id scope in " + file, e);
        }
    }
}
