package io.dpsemu.protocol.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SymmetricKeysTest {

    @ParameterizedTest
    @ValueSource(ints = {16, 32, 64})
    void problem_whenKeyDecodesTo16To64Bytes_thenNone(int bytes) {
        assertThat(SymmetricKeys.problem(Base64.getEncoder().encodeToString(new byte[bytes]))).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(ints = {8, 15, 65})
    void problem_whenKeyHasAnotherLength_thenSaysTheLength(int bytes) {
        assertThat(SymmetricKeys.problem(Base64.getEncoder().encodeToString(new byte[bytes])))
                .hasValue("must decode to 16-64 bytes, not " + bytes);
    }

    @Test
    void problem_whenNotBase64_thenSaysSo() {
        assertThat(SymmetricKeys.problem("not base64!")).hasValue("is not base64");
    }
}
