package io.dpsemu.protocol.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Checking and defaults of one rule, written as JSON the way the API and the configuration take it. */
class FaultRuleChecksTest {

    static FaultRuleSpec spec(String json) {
        return FaultRuleSpec.fromJson(json.getBytes(StandardCharsets.UTF_8));
    }

    static FaultRuleSpec check(String json) {
        return FaultRuleChecks.check("f7", spec(json));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "429 | 429001 | 3",
        "503 | 503001 | 3",
        "500 | 500000 |",
        "401 | 401002 |",
        "400 | 400001 |",
        "404 | 404001 |",
        "409 | 409000 |",
    })
    void status_derivesErrorCodeAndRetryAfter(int status, int errorCode, Integer retryAfter) {
        FaultRuleSpec checked = check("{\"status\": " + status + "}");

        assertThat(checked.errorCode()).isEqualTo(errorCode);
        assertThat(checked.retryAfterSeconds()).isEqualTo(retryAfter);
        assertThat(checked.message()).isEqualTo("injected fault f7");
    }

    @Test
    void status_withExplicitErrorCodeRetryAfterAndMessage_keepsThem() {
        FaultRuleSpec checked =
                check("{\"status\": 429, \"errorCode\": 429002, \"retryAfterSeconds\": 0, \"message\": \"slow down\"}");

        assertThat(checked.errorCode()).isEqualTo(429002);
        assertThat(checked.retryAfterSeconds()).isZero();
        assertThat(checked.message()).isEqualTo("slow down");
    }

    @Test
    void failOperation_appliesToRegisterOnly() {
        FaultRuleSpec checked = check("{\"failOperation\": 400207}");

        assertThat(checked.kinds()).containsExactly("register");
        assertThat(checked.message()).isEqualTo("injected fault f7");
        assertThat(check("{\"failOperation\": 400207, \"kinds\": [\"register\"]}").kinds())
                .containsExactly("register");
    }

    @Test
    void spec_isNormalized_transportsAndKindsListedInFull() {
        FaultRuleSpec normalized = check("{\"status\": 500, \"transports\": [\"HTTPS\", \"mqtt\"]}");

        assertThat(normalized.transports()).containsExactly("mqtt", "https");
        assertThat(normalized.kinds()).containsExactly("register", "poll");
        assertThat(normalized.message()).isEqualTo("injected fault f7");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "{}                                                         | action            | needs an action",
        "{\"status\": 429, \"drop\": true}                          | action            | exactly one",
        "{\"status\": 399}                                          | status            | 400 to 599",
        "{\"status\": 600}                                          | status            | 400 to 599",
        "{\"status\": 429, \"errorCode\": 503001}                   | errorCode         | starting with the status 429",
        "{\"status\": 429, \"errorCode\": 4290}                     | errorCode         | six digits",
        "{\"status\": 429, \"retryAfterSeconds\": -1}               | retryAfterSeconds | between 0 and 3600",
        "{\"delayMillis\": 0}                                       | delayMillis       | between 1 and 600000",
        "{\"delayMillis\": 5, \"retryAfterSeconds\": 1}             | retryAfterSeconds | status only",
        "{\"delayMillis\": 5, \"errorCode\": 500000}                | errorCode         | status only",
        "{\"delayMillis\": 5, \"message\": \"x\"}                   | message           | status or failOperation",
        "{\"drop\": false}                                          | drop              | only true",
        "{\"failOperation\": 200000}                                | failOperation     | between 400000 and 599999",
        "{\"failOperation\": 400207, \"kinds\": [\"poll\"]}          | kinds             | register requests only",
        "{\"status\": 429, \"probability\": 0}                      | probability       | greater than 0",
        "{\"status\": 429, \"probability\": 1.5}                    | probability       | at most 1",
        "{\"status\": 429, \"everyNth\": 0}                         | everyNth          | at least 1",
        "{\"status\": 429, \"everyNth\": 2, \"probability\": 0.5}   | everyNth          | cannot be combined with "
                + "probability",
        "{\"status\": 429, \"maxHits\": 0}                          | maxHits           | at least 1",
        "{\"status\": 429, \"expiresAfterSeconds\": 0}              | expiresAfterSeconds | at least 1",
        "{\"status\": 429, \"registrationId\": \"\"}                | registrationId    | pattern of 1 to 256",
        "{\"status\": 429, \"enrollmentGroupId\": \"\"}             | enrollmentGroupId | pattern of 1 to 256",
        "{\"status\": 429, \"individual\": false}                   | individual        | only true",
        "{\"status\": 429, \"individual\": true, \"enrollmentGroupId\": \"g\"} | individual | cannot be combined",
        "{\"status\": 429, \"transports\": [\"amqp\"]}              | transports        | is not a transport; "
                + "expected one of mqtt, mqttws, https",
        "{\"status\": 429, \"transports\": []}                      | transports        | at least one",
        "{\"status\": 429, \"kinds\": [\"query\"]}                  | kinds             | is not a request kind",
    })
    void check_refusesABadRule_namingTheField(String json, String field, String problem) {
        assertThatThrownBy(() -> check(json))
                .isInstanceOfSatisfying(InvalidFaultRuleException.class, e -> {
                    assertThat(e.field()).isEqualTo(field);
                    assertThat(e.problem()).contains(problem);
                    assertThat(e.getMessage()).startsWith(field + ": ");
                });
    }

    @Test
    void fromJson_refusesUnknownAndMistypedFields_namingThem() {
        assertThatThrownBy(() -> spec("{\"status\": 429, \"probabilty\": 0.5}"))
                .isInstanceOfSatisfying(InvalidFaultRuleException.class,
                        e -> assertThat(e.field()).isEqualTo("probabilty"));
        assertThatThrownBy(() -> spec("{\"status\": \"often\"}"))
                .isInstanceOfSatisfying(InvalidFaultRuleException.class,
                        e -> assertThat(e.field()).isEqualTo("status"));
        assertThatThrownBy(() -> spec("{\"everyNth\": 2.5}"))
                .isInstanceOfSatisfying(InvalidFaultRuleException.class,
                        e -> assertThat(e.field()).isEqualTo("everyNth"));
        assertThatThrownBy(() -> spec("{\"transports\": [\"mqtt\", {}]}"))
                .isInstanceOfSatisfying(InvalidFaultRuleException.class,
                        e -> assertThat(e.field()).isEqualTo("transports[1]"));
    }

    @Test
    void fromJson_refusesABodyThatIsNotOneJsonObject() {
        assertThatThrownBy(() -> spec("[]")).isNotInstanceOf(InvalidFaultRuleException.class)
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("JSON object");
        assertThatThrownBy(() -> spec("{\"status\": 429")).isNotInstanceOf(InvalidFaultRuleException.class)
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not JSON");
        assertThatThrownBy(() -> spec("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> spec("{\"status\": 429, \"status\": 500}"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
