package io.dpsemu.protocol.topic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DpsTopicsTest {

    private static final String REGISTER = "$dps/registrations/PUT/iotdps-register/?$rid=";
    private static final String STATUS = "$dps/registrations/GET/iotdps-get-operationstatus/?$rid=";
    private static final String OPERATION_ID = "4.d0a671905ea5b2c8.e7173b7b-0e54-4aa0-9d20-aeb1b89e6c7d";

    @Test
    void constants_whenRead_thenDpsTopics() {
        assertThat(DpsTopics.SUBSCRIBE_FILTER).isEqualTo("$dps/registrations/res/#");
        assertThat(DpsTopics.REGISTER_PREFIX).isEqualTo("$dps/registrations/PUT/iotdps-register/");
        assertThat(DpsTopics.STATUS_PREFIX).isEqualTo("$dps/registrations/GET/iotdps-get-operationstatus/");
    }

    /** Integers (C, Java, C#), always 1 (embedded C), UUIDs (Node), percent-encoded values (Python). */
    @ParameterizedTest
    @ValueSource(strings = {"1", "2", "65535", "6f1c9a3e-4b7d-4e2a-9c1f-0a2b3c4d5e6f", "6f1c9a3e%2D4b7d", "a%20b"})
    void parse_whenRegister_thenRidVerbatim(String rid) {
        assertThat(DpsTopics.parse(REGISTER + rid)).contains(new RegisterTopic(rid));
    }

    @Test
    void parse_whenStatus_thenRidAndOperationId() {
        assertThat(DpsTopics.parse(STATUS + "3&operationId=" + OPERATION_ID))
                .contains(new StatusTopic("3", OPERATION_ID));
    }

    @Test
    void parse_whenStatusFromPython_thenRidVerbatimAndOperationIdDecoded() {
        String rid = "6f1c9a3e-4b7d-4e2a-9c1f-0a2b3c4d5e6f";
        String encodedOperationId = OPERATION_ID.replace(".", "%2E").replace("-", "%2d");

        assertThat(DpsTopics.parse(STATUS + rid + "&operationId=" + encodedOperationId))
                .contains(new StatusTopic(rid, OPERATION_ID));
    }

    @Test
    void parse_whenOperationIdBadlyEncoded_thenKeptRaw() {
        assertThat(DpsTopics.parse(STATUS + "3&operationId=op%zz")).contains(new StatusTopic("3", "op%zz"));
    }

    @Test
    void parse_whenRidNotFirst_thenStillFound() {
        assertThat(DpsTopics.parse("$dps/registrations/GET/iotdps-get-operationstatus/?operationId=op&$rid=7"))
                .contains(new StatusTopic("7", "op"));
        assertThat(DpsTopics.parse("$dps/registrations/PUT/iotdps-register/?x=1&$rid=7"))
                .contains(new RegisterTopic("7"));
    }

    @Test
    void parse_whenOtherParameters_thenIgnored() {
        assertThat(DpsTopics.parse(REGISTER + "5&extra=x&flag")).contains(new RegisterTopic("5"));
    }

    @Test
    void parse_whenRidRepeated_thenFirstWins() {
        assertThat(DpsTopics.parse(REGISTER + "5&$rid=6")).contains(new RegisterTopic("5"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            STATUS + "3",
            STATUS + "3&operationId=",
            STATUS + "3&operationid=op",
            "$dps/registrations/GET/iotdps-get-operationstatus/?operationId=op"
    })
    void parse_whenStatusWithoutRidOrOperationId_thenEmpty(String topic) {
        assertThat(DpsTopics.parse(topic)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "",
            "devices/dev-1/messages/events/",
            "$dps/registrations/res/202/?$rid=1",
            "$dps/registrations/PUT/iotdps-register",
            "$dps/registrations/PUT/iotdps-register/",
            "$dps/registrations/PUT/iotdps-register?$rid=1",
            "$dps/registrations/PUT/iotdps-register/x?$rid=1",
            "$dps/registrations/PUT/iotdps-register/?",
            "$dps/registrations/PUT/iotdps-register/?$rid",
            "$dps/registrations/PUT/iotdps-register/?$rid=",
            "$dps/registrations/PUT/iotdps-register/?$ridx=1",
            "$dps/registrations/PUT/iotdps-register/?rid=1",
            "$DPS/registrations/PUT/iotdps-register/?$rid=1",
            "$dps/registrations/GET/iotdps-register/?$rid=1"
    })
    void parse_whenNotARequestTopic_thenEmpty(String topic) {
        assertThat(DpsTopics.parse(topic)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            REGISTER + "+",
            REGISTER + "#",
            REGISTER + "1&x=#",
            "$dps/registrations/PUT/iotdps-register/#",
            "$dps/registrations/+/iotdps-register/?$rid=1",
            STATUS + "1&operationId=+",
            REGISTER + "1\u0000"
    })
    void parse_whenWildcardOrNul_thenEmpty(String topic) {
        assertThat(DpsTopics.parse(topic)).isEmpty();
    }

    /** A $rid is echoed into the response topic: nothing that could change that topic's shape passes. */
    @ParameterizedTest
    @ValueSource(strings = {"a/b", "1$x", "1?x", "a b", "\u00e9"})
    void parse_whenRidHasTopicSeparatorsOrOtherCharacters_thenEmpty(String rid) {
        assertThat(DpsTopics.parse(REGISTER + rid)).isEmpty();
        assertThat(DpsTopics.parse(STATUS + rid + "&operationId=op")).isEmpty();
    }

    @Test
    void parse_whenRidLongerThanTheLimit_thenEmpty() {
        assertThat(DpsTopics.parse(REGISTER + "7".repeat(DpsTopics.MAX_RID_LENGTH))).isPresent();
        assertThat(DpsTopics.parse(REGISTER + "7".repeat(DpsTopics.MAX_RID_LENGTH + 1))).isEmpty();
    }

    @Test
    void parse_whenNull_thenEmpty() {
        assertThat(DpsTopics.parse(null)).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "202 | 2                                    | 3    | $dps/registrations/res/202/?$rid=2&retry-after=3",
            "200 | 4                                    |      | $dps/registrations/res/200/?$rid=4",
            "401 | 1                                    |      | $dps/registrations/res/401/?$rid=1",
            "429 | 1                                    | 60   | $dps/registrations/res/429/?$rid=1&retry-after=60",
            "202 | 6f1c9a3e-4b7d-4e2a-9c1f-0a2b3c4d5e6f | 0    | "
                    + "$dps/registrations/res/202/?$rid=6f1c9a3e-4b7d-4e2a-9c1f-0a2b3c4d5e6f&retry-after=0",
            "202 | 6f1c9a3e%2D4b7d                      | 3    | "
                    + "$dps/registrations/res/202/?$rid=6f1c9a3e%2D4b7d&retry-after=3"
    })
    void response_whenFormatted_thenRidFirstThenRetryAfter(int status, String rid, Integer retryAfter, String topic) {
        assertThat(DpsTopics.response(status, rid, retryAfter)).isEqualTo(topic);
    }

    @Test
    void response_whenParsedRidEchoed_thenSameBytes() {
        String rid = DpsTopics.parse(REGISTER + "a%2Fb").orElseThrow().rid();

        assertThat(DpsTopics.response(202, rid, 3)).isEqualTo("$dps/registrations/res/202/?$rid=a%2Fb&retry-after=3");
    }

    @Test
    void response_whenNegativeRetryAfter_thenIllegalArgument() {
        assertThatIllegalArgumentException().isThrownBy(() -> DpsTopics.response(202, "1", -1));
    }
}
