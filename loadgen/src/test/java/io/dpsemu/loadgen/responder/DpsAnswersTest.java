package io.dpsemu.loadgen.responder;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dpsemu.protocol.json.DpsJson;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DpsAnswersTest {

    private final DpsAnswers answers = new DpsAnswers("hub.example", 3);

    @Test
    void register_isAnsweredAssigningOnTheDevicesOwnTopic() throws Exception {
        DpsAnswers.Answer answer = answers.answer("$dps/registrations/PUT/iotdps-register/?$rid=2",
                "{\"registrationId\":\"dev-9\"}".getBytes(StandardCharsets.UTF_8)).orElseThrow();

        assertThat(answer.topic()).isEqualTo("$dps/registrations/res/dev-9/202/?$rid=2&retry-after=3");
        JsonNode body = DpsJson.mapper().readTree(answer.body());
        assertThat(body.path("status").asText()).isEqualTo("assigning");
        assertThat(body.path("operationId").asText()).isNotEmpty();
    }

    @Test
    void pollOfThatOperation_isAnsweredAssignedWithAFullRegistrationState() throws Exception {
        DpsAnswers.Answer registered = answers.answer("$dps/registrations/PUT/iotdps-register/?$rid=2",
                "{\"registrationId\":\"dev-9\"}".getBytes(StandardCharsets.UTF_8)).orElseThrow();
        String operationId = DpsJson.mapper().readTree(registered.body()).path("operationId").asText();

        DpsAnswers.Answer answer = answers.answer("$dps/registrations/GET/iotdps-get-operationstatus/?$rid=3"
                + "&operationId=" + operationId, new byte[0]).orElseThrow();

        assertThat(answer.topic()).isEqualTo("$dps/registrations/res/dev-9/200/?$rid=3");
        JsonNode body = DpsJson.mapper().readTree(answer.body());
        assertThat(body.path("status").asText()).isEqualTo("assigned");
        assertThat(body.path("registrationState").path("assignedHub").asText()).isEqualTo("hub.example");
        assertThat(body.path("registrationState").path("deviceId").asText()).isEqualTo("dev-9");
        assertThat(body.path("registrationState").path("substatus").asText()).isEqualTo("initialAssignment");
    }

    @Test
    void requestsItCannotRoute_areLeftUnanswered() {
        assertThat(answers.answer("$dps/registrations/PUT/iotdps-register/?$rid=2", new byte[0])).isEmpty();
        assertThat(answers.answer("$dps/registrations/GET/iotdps-get-operationstatus/?$rid=3&operationId=other",
                new byte[0])).isEmpty();
        assertThat(answers.answer("devices/x/messages", new byte[0])).isEmpty();
    }
}
