package io.dpsemu.server.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dpsemu.protocol.faults.FaultRuleSpec;
import io.dpsemu.protocol.json.DpsJson;
import org.junit.jupiter.api.Test;

class FaultRuleStateJsonTest {

    @Test
    void json_isTheRuleFlat_withIdHitsAndRemainingTime_andNoNulls() throws Exception {
        FaultRuleState state = new FaultRuleState("f3", 2, 17L,
                FaultRule.of("f3", FaultRuleTest.spec("{\"status\": 429, \"registrationId\": \"dev-*\"}")).spec());

        JsonNode json = DpsJson.mapper().readTree(DpsJson.write(state));

        assertThat(json.path("id").asText()).isEqualTo("f3");
        assertThat(json.path("hits").asInt()).isEqualTo(2);
        assertThat(json.path("expiresInSeconds").asInt()).isEqualTo(17);
        assertThat(json.path("registrationId").asText()).isEqualTo("dev-*");
        assertThat(json.path("errorCode").asInt()).isEqualTo(429001);
        assertThat(json.has("rule")).isFalse();
        assertThat(json.has("delayMillis")).isFalse();
        assertThat(FaultRuleSpec.fromJson(DpsJson.write(state.rule())).status()).isEqualTo(429);
    }
}
