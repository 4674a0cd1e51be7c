package io.dpsemu.server.allocation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.dpsemu.protocol.json.DpsJson;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class AllocationResponseTest {

    private static final String HUB_A = "hub-a.azure-devices.net";
    private static final String HUB_B = "hub-b.azure-devices.net";
    private static final List<String> OFFERED = List.of(HUB_A, HUB_B);

    private static AllocationResponse parse(String body) throws CustomAllocationException {
        return AllocationResponse.parse(body.getBytes(StandardCharsets.UTF_8), OFFERED);
    }

    private static JsonNode json(String text) {
        return DpsJson.read(text, JsonNode.class);
    }

    @Test
    void parse_whenHubTwinAndPayload_thenAllThree() throws Exception {
        AllocationResponse response = parse("{\"iotHubHostName\":\"" + HUB_B + "\","
                + "\"initialTwin\":{\"tags\":{\"line\":\"7\"},\"properties\":{\"desired\":{\"x\":1}}},"
                + "\"payload\":{\"firmware\":\"2.1\"}}");

        assertThat(response.iotHubHostName()).isEqualTo(HUB_B);
        assertThat(response.initialTwin())
                .isEqualTo(json("{\"tags\":{\"line\":\"7\"},\"properties\":{\"desired\":{\"x\":1}}}"));
        assertThat(response.payload()).isEqualTo(json("{\"firmware\":\"2.1\"}"));
    }

    @Test
    void parse_whenOnlyHubInOtherCase_thenLinkedSpellingAndNoTwinOrPayload() throws Exception {
        AllocationResponse response = parse("{\"iotHubHostName\":\"" + HUB_A.toUpperCase() + "\",\"payload\":null}");

        assertThat(response).isEqualTo(new AllocationResponse(HUB_A, null, null));
    }

    @Test
    void parse_whenPayloadIsStringHoldingJsonObject_thenThatObject() throws Exception {
        AllocationResponse response = parse("{\"iotHubHostName\":\"" + HUB_A + "\",\"payload\":\"{\\\"a\\\":1}\"}");

        assertThat(response.payload()).isEqualTo(json("{\"a\":1}"));
    }

    @Test
    void parse_whenPayloadIsNotAnObject_thenRefusedNamingPayload() {
        assertThatThrownBy(() -> parse("{\"iotHubHostName\":\"" + HUB_A + "\",\"payload\":[1,2]}"))
                .isInstanceOf(CustomAllocationException.class).hasMessageContaining("payload must be a JSON object");
        assertThatThrownBy(() -> parse("{\"iotHubHostName\":\"" + HUB_A + "\",\"payload\":\"plain text\"}"))
                .isInstanceOf(CustomAllocationException.class).hasMessageContaining("payload must be a JSON object");
    }

    @Test
    void parse_whenHubNotOffered_thenRefusedNamingTheHubAndTheOffer() {
        assertThatThrownBy(() -> parse("{\"iotHubHostName\":\"other.azure-devices.net\"}"))
                .isInstanceOf(CustomAllocationException.class)
                .hasMessageContaining("'other.azure-devices.net' is not one of the linked hubs offered")
                .hasMessageContaining(HUB_A);
    }

    @Test
    void parse_whenHubMissing_thenRefused() {
        assertThatThrownBy(() -> parse("{\"payload\":{}}"))
                .isInstanceOf(CustomAllocationException.class).hasMessageContaining("iotHubHostName is missing");
    }

    @Test
    void parse_whenTwinNotAnObject_thenRefused() {
        assertThatThrownBy(() -> parse("{\"iotHubHostName\":\"" + HUB_A + "\",\"initialTwin\":\"x\"}"))
                .isInstanceOf(CustomAllocationException.class)
                .hasMessageContaining("initialTwin must be a JSON object");
    }

    @Test
    void parse_whenNotJsonOrNotAnObject_thenRefusedAsInvalidReply() {
        assertThatThrownBy(() -> parse("<html>oops</html>"))
                .isInstanceOf(CustomAllocationException.class).hasMessageContaining("invalid reply from the webhook");
        assertThatThrownBy(() -> parse("[]"))
                .isInstanceOf(CustomAllocationException.class).hasMessageContaining("not a JSON object");
        assertThatThrownBy(() -> parse(""))
                .isInstanceOf(CustomAllocationException.class).hasMessageContaining("invalid reply from the webhook");
    }
}
