package io.dpsemu.server.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.dpsemu.protocol.faults.FaultRuleSpec;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The action a checked rule takes; the checks and defaults themselves are pinned by {@code FaultRuleChecksTest}. */
class FaultRuleTest {

    static FaultRuleSpec spec(String json) {
        return FaultRuleSpec.fromJson(json.getBytes(StandardCharsets.UTF_8));
    }

    static FaultRule rule(String json) {
        return FaultRule.of("f7", spec(json));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "429 | 429001 | 3",
        "500 | 500000 |",
    })
    void status_respondsWithTheDerivedErrorCodeAndRetryAfter(int status, int errorCode, Integer retryAfter) {
        FaultRule rule = rule("{\"status\": " + status + "}");

        assertThat(rule.action()).isEqualTo(new FaultAction.Respond(errorCode, "injected fault f7", retryAfter));
        assertThat(rule.spec().errorCode()).isEqualTo(errorCode);
        assertThat(rule.spec().retryAfterSeconds()).isEqualTo(retryAfter);
        assertThat(((FaultAction.Respond) rule.action()).status()).isEqualTo(status);
    }

    @Test
    void status_withExplicitErrorCodeRetryAfterAndMessage_keepsThem() {
        FaultRule rule =
                rule("{\"status\": 429, \"errorCode\": 429002, \"retryAfterSeconds\": 0, \"message\": \"slow down\"}");

        assertThat(rule.action()).isEqualTo(new FaultAction.Respond(429002, "slow down", 0));
    }

    @Test
    void otherActions_areBuiltFromTheirField() {
        assertThat(rule("{\"delayMillis\": 2000}").action()).isEqualTo(new FaultAction.Delay(2000));
        assertThat(rule("{\"drop\": true}").action()).isEqualTo(new FaultAction.Drop());
        assertThat(rule("{\"failOperation\": 400207, \"message\": \"no\"}").action())
                .isEqualTo(new FaultAction.FailOperation(400207, "no"));
        assertThat(rule("{\"failOperation\": 400207}").action())
                .isEqualTo(new FaultAction.FailOperation(400207, "injected fault f7"));
    }
}
