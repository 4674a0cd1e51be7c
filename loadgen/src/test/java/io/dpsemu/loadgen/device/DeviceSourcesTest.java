package io.dpsemu.loadgen.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dpsemu.protocol.auth.DerivedKeys;
import io.dpsemu.protocol.auth.SasCheck;
import io.dpsemu.protocol.auth.SasToken;
import io.dpsemu.protocol.auth.SasVerifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeviceSourcesTest {

    private static final String GROUP_KEY =
            "oiK77Oy7rBw8YB6IS6ukRChAw+Yq6GC61RMrPLSTiOOtdI+XDu0LmLuNm11p+qv2I+adqGUdZHm46zXAQdZoOA==";
    private static final SasVerifier VERIFIER = new SasVerifier(Duration.ZERO, Clock.systemUTC());

    @TempDir
    Path dir;

    @Test
    void groupDevice_signsWithTheKeyDerivedForItsRegistrationId() {
        Device device = new GroupKeyDevices(GROUP_KEY, "sensor-").device(42);

        assertThat(device.registrationId()).isEqualTo("sensor-42");
        assertThat(device.symmetricKey()).isEqualTo(DerivedKeys.deviceKey(GROUP_KEY, "sensor-42"));
        SasToken token = SasToken.parse(device.sasToken("0ne00ABCDEF", Instant.now()));
        assertThat(VERIFIER.verify(token, "0ne00ABCDEF/registrations/sensor-42", List.of(device.symmetricKey())))
                .isEqualTo(SasCheck.VALID);
        assertThat(VERIFIER.verify(token, "0ne00ABCDEF/registrations/sensor-42", List.of(GROUP_KEY)))
                .isEqualTo(SasCheck.SIGNATURE_MISMATCH);
    }

    @Test
    void groupKeyThatIsNotBase64_isRefused() {
        assertThatThrownBy(() -> new GroupKeyDevices("%%%", "p-")).hasMessageContaining("not base64");
    }

    @Test
    void keysFile_readsDevicesInFileOrderSkippingCommentsAndBlankLines() throws Exception {
        Path file = Files.writeString(dir.resolve("keys.csv"), """
                # registrationId,key
                thermostat-1,AAECAwQFBgcICQoLDA0ODw==

                thermostat-2 , EBESExQVFhcYGRobHB0eHw==
                """);

        KeysFile keys = KeysFile.read(file);

        assertThat(keys.size()).isEqualTo(2);
        assertThat(keys.device(1)).isEqualTo(Device.withKey("thermostat-2", "EBESExQVFhcYGRobHB0eHw=="));
    }

    @Test
    void keysFileLineWithoutComma_isRefusedNamingTheLine() throws Exception {
        Path file = Files.writeString(dir.resolve("keys.csv"), "a,AAECAwQFBgcICQoLDA0ODw==\njust-an-id\n");

        assertThatThrownBy(() -> KeysFile.read(file)).hasMessage(file + " line 2: expected registrationId,base64Key");
    }

    @Test
    void keysFileWithAShortKey_isRefusedNamingTheDevice() throws Exception {
        Path file = Files.writeString(dir.resolve("keys.csv"), "a,AAEC\n");

        assertThatThrownBy(() -> KeysFile.read(file))
                .hasMessageContaining("line 1: the key of 'a' must decode to 16-64 bytes");
    }

    @Test
    void keysFileListingADeviceTwice_isRefused() throws Exception {
        Path file = Files.writeString(dir.resolve("keys.csv"),
                "a,AAECAwQFBgcICQoLDA0ODw==\nA,AAECAwQFBgcICQoLDA0ODw==\n");

        assertThatThrownBy(() -> KeysFile.read(file)).hasMessageContaining("line 2: 'A' is listed twice");
    }
}
