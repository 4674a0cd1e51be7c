package io.dpsemu.protocol.json;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.dpsemu.protocol.DpsProtocolException;
import io.dpsemu.protocol.model.DeviceRegistration;
import io.dpsemu.protocol.model.DeviceRegistrationResult;
import io.dpsemu.protocol.model.DpsError;
import io.dpsemu.protocol.model.RegistrationOperationStatus;
import io.dpsemu.protocol.model.RegistrationStatus;
import io.dpsemu.protocol.model.RegistrationSubstatus;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DpsJsonTest {

    private static final Instant CREATED = Instant.parse("2022-08-31T22:02:50.516335Z");
    private static final Instant UPDATED = Instant.parse("2022-08-31T22:02:51Z");

    @Test
    void mapper_whenCalledTwice_thenSameInstance() {
        assertThat(DpsJson.mapper()).isSameAs(DpsJson.mapper());
    }

    // readDeviceRegistration: every register body the SDKs send (docs/protocol-notes.md#register-and-poll-bodies)

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "  \r\n\t"})
    void readDeviceRegistration_whenEmptyOrWhitespace_thenEmpty(String body) {
        assertThat(DpsJson.readDeviceRegistration(bytes(body))).isSameAs(DeviceRegistration.EMPTY);
    }

    @Test
    void readDeviceRegistration_whenNull_thenEmpty() {
        assertThat(DpsJson.readDeviceRegistration(null)).isSameAs(DeviceRegistration.EMPTY);
    }

    @Test
    void readDeviceRegistration_whenRegistrationIdOnly_thenNoPayload() {
        assertThat(DpsJson.readDeviceRegistration(bytes("{\"registrationId\":\"dev-1\"}")))
                .isEqualTo(new DeviceRegistration("dev-1", null, null, null));
    }

    @Test
    void readDeviceRegistration_whenPayloadNullFromPython_thenNullPayload() {
        assertThat(DpsJson.readDeviceRegistration(bytes("{\"payload\":null,\"registrationId\":\"dev-1\"}")))
                .isEqualTo(new DeviceRegistration("dev-1", null, null, null));
    }

    @Test
    void readDeviceRegistration_whenPayloadIsJsonObjectStringFromJava_thenParsedObject() {
        DeviceRegistration registration = DpsJson.readDeviceRegistration(
                bytes("{\"registrationId\":\"dev-1\",\"payload\":\"{\\\"a\\\":1,\\\"b\\\":{\\\"c\\\":\\\"d\\\"}}\"}"));

        assertThat(registration.payload().isObject()).isTrue();
        assertThat(registration.payload().path("a").intValue()).isEqualTo(1);
        assertThat(registration.payload().path("b").path("c").textValue()).isEqualTo("d");
    }

    @Test
    void readDeviceRegistration_whenCsrWithoutRegistrationIdFromCSharpPreview_thenCsrKept() {
        DeviceRegistration registration =
                DpsJson.readDeviceRegistration(bytes("{\"payload\":{\"a\":1},\"csr\":\"MIIBAAA=\"}"));

        assertThat(registration.registrationId()).isNull();
        assertThat(registration.csr()).isEqualTo("MIIBAAA=");
    }

    @Test
    void readDeviceRegistration_whenCsrIsNotString_thenRefusedNamingTheField() {
        assertThatThrownBy(() -> DpsJson.readDeviceRegistration(bytes("{\"registrationId\":\"d\",\"csr\":{}}")))
                .isInstanceOf(DpsProtocolException.class)
                .hasMessageContaining("'csr' must be a string");
    }

    @Test
    void readDeviceRegistration_whenPayloadObjectWithoutRegistrationIdFromCSharp_thenObject() {
        DeviceRegistration registration =
                DpsJson.readDeviceRegistration(bytes("{\"payload\":{\"modelId\":\"dtmi:x;1\"}}"));

        assertThat(registration.registrationId()).isNull();
        assertThat(registration.payload().path("modelId").textValue()).isEqualTo("dtmi:x;1");
    }

    @ParameterizedTest
    @ValueSource(strings = {"hello", "[1,2]", "42", "", "{\\\"a\\\":", "{} {}"})
    void readDeviceRegistration_whenPayloadStringIsNotAJsonObject_thenKeptAsString(String text) {
        DeviceRegistration registration = DpsJson.readDeviceRegistration(bytes("{\"payload\":\"" + text + "\"}"));

        assertThat(registration.payload()).isInstanceOf(TextNode.class);
        assertThat(registration.payload().textValue()).isEqualTo(text.replace("\\\"", "\""));
    }

    @ParameterizedTest
    @ValueSource(strings = {"5", "[1,{\"a\":2}]", "true"})
    void readDeviceRegistration_whenPayloadOtherValue_thenKeptAsIs(String payload) throws Exception {
        DeviceRegistration registration = DpsJson.readDeviceRegistration(bytes("{\"payload\":" + payload + "}"));

        assertThat(registration.payload()).isEqualTo(DpsJson.mapper().readTree(payload));
    }

    @Test
    void readDeviceRegistration_whenTpmAndUnknownFields_thenTpmKeptOthersIgnored() {
        DeviceRegistration registration = DpsJson.readDeviceRegistration(bytes(
                "{\"registrationId\":\"dev-1\",\"tpm\":{\"endorsementKey\":\"AAE=\"},\"csr\":\"MIIB\",\"x\":[1]}"));

        assertThat(registration.tpm().path("endorsementKey").textValue()).isEqualTo("AAE=");
    }

    @ParameterizedTest
    @ValueSource(strings = {"[]", "\"dev-1\"", "42", "null", "true"})
    void readDeviceRegistration_whenNotAnObject_thenRejected(String body) {
        assertThatThrownBy(() -> DpsJson.readDeviceRegistration(bytes(body))).isInstanceOf(DpsProtocolException.class)
                .hasMessageStartingWith("register body must be a JSON object, got ");
    }

    @Test
    void readDeviceRegistration_whenArray_thenMessageSaysArray() {
        assertThatThrownBy(() -> DpsJson.readDeviceRegistration(bytes("[{}]")))
                .hasMessage("register body must be a JSON object, got an array");
    }

    @ParameterizedTest
    @ValueSource(strings = {"{", "{\"registrationId\":}", "{\"a\":1} x", "{} {}", "registrationId=dev-1"})
    void readDeviceRegistration_whenMalformed_thenRejected(String body) {
        assertThatThrownBy(() -> DpsJson.readDeviceRegistration(bytes(body))).isInstanceOf(DpsProtocolException.class)
                .hasMessageStartingWith("body is not valid JSON for DeviceRegistration: ");
    }

    @Test
    void readDeviceRegistration_whenRegistrationIdNotAString_thenRejected() {
        assertThatThrownBy(() -> DpsJson.readDeviceRegistration(bytes("{\"registrationId\":42}")))
                .hasMessage("register body field 'registrationId' must be a string, got a number");
    }

    @Test
    void readDeviceRegistration_whenDuplicateField_thenRejected() {
        byte[] twice = bytes("{\"registrationId\":\"a\",\"registrationId\":\"b\"}");

        assertThatThrownBy(() -> DpsJson.readDeviceRegistration(twice))
                .isInstanceOf(DpsProtocolException.class).hasMessageContaining("registrationId");
    }

    // limits on untrusted input

    @Test
    void readDeviceRegistration_whenNestedTooDeep_thenRejected() {
        String body = "{\"payload\":" + "[".repeat(100) + "]".repeat(100) + "}";

        assertThatThrownBy(() -> DpsJson.readDeviceRegistration(bytes(body))).isInstanceOf(DpsProtocolException.class)
                .hasMessageContaining("exceeds a size limit").hasMessageContaining("nesting depth");
    }

    @Test
    void readDeviceRegistration_whenNestedWithinLimit_thenAccepted() {
        String body = "{\"payload\":" + "[".repeat(60) + "]".repeat(60) + "}";

        assertThat(DpsJson.readDeviceRegistration(bytes(body)).payload().isArray()).isTrue();
    }

    @Test
    void readDeviceRegistration_whenStringTooLong_thenRejected() {
        String body = "{\"payload\":\"" + "x".repeat(300 * 1024) + "\"}";

        assertThatThrownBy(() -> DpsJson.readDeviceRegistration(bytes(body))).isInstanceOf(DpsProtocolException.class)
                .hasMessageContaining("exceeds a size limit").hasMessageContaining("String value length");
    }

    @Test
    void readDeviceRegistration_whenNumberTooLong_thenRejected() {
        String body = "{\"payload\":" + "1".repeat(100) + "}";

        assertThatThrownBy(() -> DpsJson.readDeviceRegistration(bytes(body))).isInstanceOf(DpsProtocolException.class)
                .hasMessageContaining("exceeds a size limit").hasMessageContaining("Number value length");
    }

    @Test
    void read_whenDocumentTooLong_thenRejected() {
        String body = "[" + "1,".repeat(600 * 1024) + "1]";

        assertThatThrownBy(() -> DpsJson.read(body, JsonNode.class)).isInstanceOf(DpsProtocolException.class)
                .hasMessageContaining("exceeds a size limit").hasMessageContaining("Document length");
    }

    // read

    @Test
    void read_whenWrongFieldType_thenMessageNamesField() {
        assertThatThrownBy(() -> DpsJson.read(bytes("{\"errorCode\":\"abc\",\"message\":\"m\"}"), DpsError.class))
                .isInstanceOf(DpsProtocolException.class)
                .hasMessageStartingWith("body is not valid JSON for DpsError at 'errorCode': ");
    }

    @Test
    void read_whenNestedWrongValue_thenMessageHasPath() {
        String body = "{\"operationId\":\"op\",\"status\":\"assigned\",\"registrationState\":{\"status\":\"bogus\"}}";

        assertThatThrownBy(() -> DpsJson.read(body, RegistrationOperationStatus.class))
                .isInstanceOf(DpsProtocolException.class)
                .hasMessageContaining("at 'registrationState.status'");
    }

    @Test
    void read_whenEmpty_thenRejected() {
        assertThatThrownBy(() -> DpsJson.read(new byte[0], DpsError.class)).isInstanceOf(DpsProtocolException.class)
                .hasMessageStartingWith("body is not valid JSON for DpsError");
    }

    @Test
    void read_whenWrittenResult_thenRoundTrips() {
        RegistrationOperationStatus status = assigned();

        assertThat(DpsJson.read(DpsJson.write(status), RegistrationOperationStatus.class)).isEqualTo(status);
        assertThat(DpsJson.read(new String(DpsJson.write(status), UTF_8), RegistrationOperationStatus.class))
                .isEqualTo(status);
    }

    @Test
    void read_whenUnknownFields_thenIgnored() {
        DpsError error =
                DpsJson.read("{\"errorCode\":401002,\"message\":\"m\",\"info\":{\"a\":\"b\"}}", DpsError.class);

        assertThat(error.errorCode()).isEqualTo(401002);
    }

    // write: what every SDK accepts (docs/protocol-notes.md#result-bodies)

    @Test
    void write_whenRegisterAnswer_thenOnlyOperationIdAndStatus() {
        assertThat(json(new RegistrationOperationStatus("op", RegistrationStatus.ASSIGNING, null)))
                .isEqualTo("{\"operationId\":\"op\",\"status\":\"assigning\"}");
    }

    @Test
    void write_whenPollWhileAssigning_thenMinimalRegistrationState() {
        RegistrationOperationStatus status = new RegistrationOperationStatus("op", RegistrationStatus.ASSIGNING,
                DeviceRegistrationResult.assigning("dev-1"));

        assertThat(json(status)).isEqualTo("{\"operationId\":\"op\",\"status\":\"assigning\","
                + "\"registrationState\":{\"registrationId\":\"dev-1\",\"status\":\"assigning\"}}");
    }

    @Test
    void write_whenAssigned_thenFullResultWithZTimestampsAndNoNulls() {
        assertThat(json(assigned())).isEqualTo("{\"operationId\":\"op\",\"status\":\"assigned\","
                + "\"registrationState\":{\"registrationId\":\"dev-1\","
                + "\"createdDateTimeUtc\":\"2022-08-31T22:02:50.516335Z\","
                + "\"assignedHub\":\"hub.azure-devices.net\",\"deviceId\":\"dev-1\",\"status\":\"assigned\","
                + "\"substatus\":\"initialAssignment\",\"lastUpdatedDateTimeUtc\":\"2022-08-31T22:02:51Z\","
                + "\"etag\":\"IjY5MDAz\",\"payload\":{\"a\":1}}}");
    }

    @Test
    void write_whenError_thenDpsErrorBody() {
        DpsError error = new DpsError(401002, "8ad0463c-0000-4000-8000-000000000000", "Unauthorized", UPDATED);

        assertThat(json(error))
                .isEqualTo("{\"errorCode\":401002,\"trackingId\":\"8ad0463c-0000-4000-8000-000000000000\","
                + "\"message\":\"Unauthorized\",\"timestampUtc\":\"2022-08-31T22:02:51Z\"}");
    }

    @Test
    void write_whenNonAscii_thenEscaped() {
        byte[] body = DpsJson.write(Map.of("message", "Gerät été ✓ 😀"));

        assertThat(new String(body, UTF_8)).matches("\\p{ASCII}*");
        assertThat(new String(body, UTF_8))
                .isEqualTo("{\"message\":\"Ger\\u00E4t \\u00E9t\\u00E9 \\u2713 \\uD83D\\uDE00\"}");
    }

    private static RegistrationOperationStatus assigned() {
        return new RegistrationOperationStatus("op", RegistrationStatus.ASSIGNED, new DeviceRegistrationResult(
                "dev-1", CREATED, "hub.azure-devices.net", "dev-1", RegistrationStatus.ASSIGNED,
                RegistrationSubstatus.INITIAL_ASSIGNMENT, null, null, UPDATED, "IjY5MDAz",
                DpsJson.readDeviceRegistration(bytes("{\"payload\":{\"a\":1}}")).payload(), null, null, null));
    }

    private static String json(Object value) {
        return new String(DpsJson.write(value), UTF_8);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(UTF_8);
    }
}
