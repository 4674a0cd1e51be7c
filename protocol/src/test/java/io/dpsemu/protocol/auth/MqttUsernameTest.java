package io.dpsemu.protocol.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import io.dpsemu.protocol.DpsProtocolException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;

class MqttUsernameTest {

    private static final String PREFIX = "0ne00ABC123/registrations/dev-1/";

    /** One row per SDK form (docs/protocol-notes.md#mqtt-connect); "-" in the last column means no ClientVersion. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "C            | api-version=2021-06-01&ClientVersion=1.15.0 | 2021-06-01 | 1.15.0",
            "embedded C   | api-version=2019-03-31 | 2019-03-31 | -",
            "embedded C with raw user agent | api-version=2019-03-31&ClientVersion=azsdk-c-prov/1.5.0 (100%; arm+) "
                    + "| 2019-03-31 | azsdk-c-prov/1.5.0 (100%; arm+)",
            "Java         | api-version=2019-03-31&ClientVersion=2019-03-31 | 2019-03-31 | 2019-03-31",
            "Node         | api-version=2019-03-31&ClientVersion=azure-iot-provisioning-device%2F1.9.2 "
                    + "| 2019-03-31 | azure-iot-provisioning-device/1.9.2",
            "Python       | api-version=2019-03-31&ClientVersion=azure-iot-device-provisioning-py%2F2.14.0"
                    + "%28py%3BLinux%205.15.0%3Bx86_64%29 "
                    + "| 2019-03-31 | azure-iot-device-provisioning-py/2.14.0(py;Linux 5.15.0;x86_64)",
            "C#           | api-version=2019-03-31&ClientVersion=Microsoft.Azure.Devices.Provisioning.Client%2F1.19.3"
                    + "%20%28.NET%206.0.25%3B%20Ubuntu%2022.04%3B%20X64%29 "
                    + "| 2019-03-31 | Microsoft.Azure.Devices.Provisioning.Client/1.19.3 (.NET 6.0.25; "
                    + "Ubuntu 22.04; X64)",
            "CSR preview  | api-version=2025-07-01-preview&ClientVersion=2019-03-31 | 2025-07-01-preview | 2019-03-31"
    })
    void parse_whenSdkForm_thenScopeIdVersionAndClientVersion(String sdk, String query, String apiVersion,
            String clientVersion) {
        MqttUsername username = MqttUsername.parse(PREFIX + query);

        assertThat(username.idScope()).isEqualTo("0ne00ABC123");
        assertThat(username.registrationId()).isEqualTo("dev-1");
        assertThat(username.apiVersion()).isEqualTo(apiVersion);
        assertThat(username.clientVersion()).isEqualTo("-".equals(clientVersion) ? null : clientVersion);
    }

    @Test
    void parse_whenUnknownParameters_thenKeptInOrder() {
        MqttUsername username = MqttUsername.parse(PREFIX + "api-version=2019-03-31&model-id=dtmi%3Ax%3B1&flag");

        assertThat(username.parameters()).containsExactly(
                entry("api-version", "2019-03-31"), entry("model-id", "dtmi:x;1"), entry("flag", ""));
    }

    @Test
    void parse_whenParameterRepeated_thenFirstWins() {
        assertThat(MqttUsername.parse(PREFIX + "api-version=2019-03-31&api-version=2021-06-01").apiVersion())
                .isEqualTo("2019-03-31");
    }

    @Test
    void parse_whenParameterNamesInOtherCase_thenStillFound() {
        MqttUsername username = MqttUsername.parse(PREFIX + "API-Version=2019-03-31&clientversion=1.0");

        assertThat(username.apiVersion()).isEqualTo("2019-03-31");
        assertThat(username.clientVersion()).isEqualTo("1.0");
    }

    @Test
    void parse_whenRegistrationIdHasDotsAndColons_thenKeptAsIs() {
        assertThat(MqttUsername.parse("0ne00ABC123/registrations/Sensor.01:a/api-version=2019-03-31")
                .registrationId()).isEqualTo("Sensor.01:a");
    }

    @Test
    void parameters_whenModified_thenUnsupported() {
        MqttUsername username = MqttUsername.parse(PREFIX + "api-version=2019-03-31");

        assertThatThrownBy(() -> username.parameters().put("x", "y"))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @ParameterizedTest
    @NullAndEmptySource
    void parse_whenNullOrEmpty_thenSaysEmpty(String value) {
        assertThatThrownBy(() -> MqttUsername.parse(value)).isInstanceOf(DpsProtocolException.class)
                .hasMessageStartingWith("MQTT username is empty; expected {idScope}/registrations/");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "0ne00ABC123/devices/dev-1/api-version=2019-03-31 | does not have the form",
            "dev-1                                            | does not have the form",
            "/registrations/dev-1/api-version=2019-03-31      | empty ID scope",
            "0ne00ABC123/registrations/dev-1                  | has no '/' and query after the registration id",
            "0ne00ABC123/registrations//api-version=2019-03-31 | registration id is empty",
            "0ne00ABC123/registrations/dev 1/api-version=2019-03-31 | not allowed at index 3",
            "0ne00ABC123/registrations/dev./api-version=2019-03-31 | last character must be",
            "0ne00ABC123/registrations/dev-1/                 | has no api-version parameter",
            "0ne00ABC123/registrations/dev-1/ClientVersion=1.15.0 | has no api-version parameter",
            "0ne00ABC123/registrations/dev-1/api-version=&ClientVersion=1 | has no api-version parameter"
    })
    void parse_whenMalformed_thenMessageSaysWhat(String value, String expected) {
        assertThatThrownBy(() -> MqttUsername.parse(value)).isInstanceOf(DpsProtocolException.class)
                .hasMessageContaining(expected);
    }

    @Test
    void parse_whenUsernameHasControlCharacters_thenMessageEscapesThem() {
        assertThatThrownBy(() -> MqttUsername.parse("scope\r\ninjected"))
                .hasMessageContaining("'scope\\r\\ninjected'")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }
}
