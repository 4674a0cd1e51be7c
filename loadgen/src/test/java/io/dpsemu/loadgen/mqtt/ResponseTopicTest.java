package io.dpsemu.loadgen.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class ResponseTopicTest {

    private static final String DPS = TopicLayout.DPS.responsePrefix("dev-1");

    @Test
    void assigningAnswer_carriesStatusRidAndRetryAfter() {
        assertThat(ResponseTopic.parse("$dps/registrations/res/202/?$rid=7&retry-after=3", DPS))
                .contains(new ResponseTopic(202, "7", 3));
    }

    @Test
    void finalAnswer_hasNoRetryAfter() {
        assertThat(ResponseTopic.parse("$dps/registrations/res/200/?$rid=8", DPS))
                .contains(new ResponseTopic(200, "8", null));
    }

    @Test
    void parameters_areReadInAnyOrderIgnoringOthers() {
        assertThat(ResponseTopic.parse("$dps/registrations/res/429/?retry-after=10&x=y&$rid=abc", DPS))
                .contains(new ResponseTopic(429, "abc", 10));
    }

    @Test
    void topicsThatAreNotResponses_areNotParsed() {
        assertThat(ResponseTopic.parse("$dps/registrations/PUT/iotdps-register/?$rid=1", DPS)).isEmpty();
        assertThat(ResponseTopic.parse("$dps/registrations/res/abc/?$rid=1", DPS)).isEmpty();
        assertThat(ResponseTopic.parse("$dps/registrations/res/200/?retry-after=1", DPS)).isEmpty();
        assertThat(ResponseTopic.parse("$dps/registrations/res/200", DPS)).isEmpty();
    }

    @Test
    void brokerLayout_givesEachDeviceItsOwnLevel() {
        String prefix = TopicLayout.BROKER.responsePrefix("dev-1");
        ResponseTopic response = new ResponseTopic(202, "2", 1);

        assertThat(TopicLayout.BROKER.subscribeFilter("dev-1")).isEqualTo("$dps/registrations/res/dev-1/#");
        assertThat(response.format(prefix)).isEqualTo("$dps/registrations/res/dev-1/202/?$rid=2&retry-after=1");
        assertThat(ResponseTopic.parse(response.format(prefix), prefix)).isEqualTo(Optional.of(response));
        assertThat(ResponseTopic.parse(response.format(prefix), TopicLayout.BROKER.responsePrefix("dev-2"))).isEmpty();
    }

    @Test
    void dpsLayout_isTheSdksSubscription() {
        assertThat(TopicLayout.DPS.subscribeFilter("dev-1")).isEqualTo("$dps/registrations/res/#");
    }
}
