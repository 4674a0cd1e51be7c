package io.dpsemu.protocol.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DerivedKeysTest {

    /** The group key DPS's custom allocation tutorial publishes (docs/protocol-notes.md#group-keys). */
    static final String GROUP_KEY =
            "oiK77Oy7rBw8YB6IS6ukRChAw+Yq6GC61RMrPLSTiOOtdI+XDu0LmLuNm11p+qv2I+adqGUdZHm46zXAQdZoOA==";

    @ParameterizedTest
    @CsvSource({
            "breakroom499-contoso-tstrsd-007, JC8F96eayuQwwz+PkE7IzjH2lIAjCUnAa61tDigBnSs=",
            "mainbuilding167-contoso-hpsd-088, 6uejA9PfkQgmYylj8Zerp3kcbeVrGZ172YLa7VSnJzg="
    })
    void deviceKey_whenPublishedVector_thenSameKey(String registrationId, String deviceKey) {
        assertThat(DerivedKeys.deviceKey(GROUP_KEY, registrationId)).isEqualTo(deviceKey);
    }

    @Test
    void deviceKey_whenDerived_then32Bytes() {
        assertThat(Base64.getDecoder().decode(DerivedKeys.deviceKey(GROUP_KEY, "dev-1"))).hasSize(32);
    }

    @Test
    void deviceKey_whenIdDiffersInCase_thenDifferentKey() {
        assertThat(DerivedKeys.deviceKey(GROUP_KEY, "Dev-1")).isNotEqualTo(DerivedKeys.deviceKey(GROUP_KEY, "dev-1"));
    }

    @Test
    void deviceKey_whenGroupKeyNotBase64_thenIllegalArgument() {
        assertThatIllegalArgumentException().isThrownBy(() -> DerivedKeys.deviceKey("not base64!", "dev-1"))
                .withMessage("key is not base64");
    }
}
