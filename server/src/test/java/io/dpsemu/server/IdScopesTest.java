package io.dpsemu.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdScopesTest {

    @TempDir
    Path dir;

    @Test
    void loadOrCreate_whenNoScopeKept_thenGeneratesDpsShapedScope() {
        String scope = IdScopes.loadOrCreate(dir);

        assertThat(scope).matches("0ne[0-9A-F]{8}");
    }

    @Test
    void loadOrCreate_whenCalledAgain_thenSameScope() {
        String first = IdScopes.loadOrCreate(dir);

        assertThat(IdScopes.loadOrCreate(dir)).isEqualTo(first);
        assertThat(IdScopes.loadOrCreate(dir)).isEqualTo(first);
    }

    @Test
    void loadOrCreate_whenGenerated_thenKeptInDataDirectoryWithoutLeftovers() throws IOException {
        String scope = IdScopes.loadOrCreate(dir);

        assertThat(Files.readString(dir.resolve(IdScopes.FILE_NAME), StandardCharsets.UTF_8).trim()).isEqualTo(scope);
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly(IdScopes.FILE_NAME);
        }
    }

    @Test
    void loadOrCreate_whenDataDirectoryDoesNotExist_thenCreated() {
        Path nested = dir.resolve("a").resolve("b");

        String scope = IdScopes.loadOrCreate(nested);

        assertThat(Files.isDirectory(nested)).isTrue();
        assertThat(IdScopes.loadOrCreate(nested)).isEqualTo(scope);
    }

    @Test
    void loadOrCreate_whenFileHoldsScope_thenThatScopeTrimmed() throws IOException {
        Files.writeString(dir.resolve(IdScopes.FILE_NAME), "  0ne00ABC123\n\n");

        assertThat(IdScopes.loadOrCreate(dir)).isEqualTo("0ne00ABC123");
    }

    @Test
    void loadOrCreate_whenFileIsBlank_thenNewScopeGeneratedAndKept() throws IOException {
        Files.writeString(dir.resolve(IdScopes.FILE_NAME), "\n");

        String scope = IdScopes.loadOrCreate(dir);

        assertThat(scope).matches("0ne[0-9A-F]{8}");
        assertThat(IdScopes.loadOrCreate(dir)).isEqualTo(scope);
    }

    @Test
    void loadOrCreate_whenDifferentDataDirectories_thenScopesDiffer() throws IOException {
        Set<String> scopes = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            scopes.add(IdScopes.loadOrCreate(Files.createDirectory(dir.resolve("node-" + i))));
        }

        assertThat(scopes).hasSizeGreaterThan(1);
    }
}
