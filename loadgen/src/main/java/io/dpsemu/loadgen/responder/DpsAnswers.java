package io.dpsemu.loadgen.responder;

import io.dpsemu.loadgen.mqtt.ResponseTopic;
import io.dpsemu.loadgen.mqtt.TopicLayout;
import io.dpsemu.protocol.DpsProtocolException;
import io.dpsemu.protocol.json.DpsJson;
import io.dpsemu.protocol.model.DeviceRegistrationResult;
import io.dpsemu.protocol.model.RegistrationOperationStatus;
import io.dpsemu.protocol.model.RegistrationStatus;
import io.dpsemu.protocol.model.RegistrationSubstatus;
import io.dpsemu.protocol.topic.DpsTopics;
import io.dpsemu.protocol.topic.RegisterTopic;
import io.dpsemu.protocol.topic.RequestTopic;
import io.dpsemu.protocol.topic.StatusTopic;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * What DPS answers, without DPS: a register gets {@code 202 assigning}, a poll gets {@code 200
 * assigned} with a full registration state of the size dpsemu sends. Keeps no state: the
 * operation id carries the registration id, which polls (with their empty bodies) need.
 */
public final class DpsAnswers {

    private static final String OPERATION_PREFIX = "responder.";

    private final String hub;
    private final int retryAfterSeconds;

    public DpsAnswers(String hub, int retryAfterSeconds) {
        this.hub = hub;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** An answer to publish: on a per-device topic ({@link TopicLayout#BROKER}). */
    record Answer(String topic, byte[] body) {
    }

    /** Empty for anything this responder cannot answer: another topic, or a register body without registrationId. */
    Optional<Answer> answer(String topic, byte[] body) {
        Optional<RequestTopic> request = DpsTopics.parse(topic);
        if (request.isEmpty()) {
            return Optional.empty();
        }
        if (request.get() instanceof RegisterTopic register) {
            String id = registrationId(body);
            return id == null ? Optional.empty() : Optional.of(new Answer(
                    new ResponseTopic(202, register.rid(), retryAfterSeconds)
                            .format(TopicLayout.BROKER.responsePrefix(id)),
                    DpsJson.write(new RegistrationOperationStatus(OPERATION_PREFIX + id,
                            RegistrationStatus.ASSIGNING, null))));
        }
        StatusTopic status = (StatusTopic) request.get();
        if (!status.operationId().startsWith(OPERATION_PREFIX)) {
            return Optional.empty();
        }
        String id = status.operationId().substring(OPERATION_PREFIX.length());
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        DeviceRegistrationResult state = new DeviceRegistrationResult(id, now, hub, id, RegistrationStatus.ASSIGNED,
                RegistrationSubstatus.INITIAL_ASSIGNMENT, null, null, now, "\"responder\"", null, null, null, null);
        return Optional.of(new Answer(
                new ResponseTopic(200, status.rid(), null).format(TopicLayout.BROKER.responsePrefix(id)),
                DpsJson.write(new RegistrationOperationStatus(status.operationId(), RegistrationStatus.ASSIGNED,
                        state))));
    }

    private static String registrationId(byte[] body) {
        try {
            return DpsJson.readDeviceRegistration(body).registrationId();
        } catch (DpsProtocolException e) {
            return null;
        }
    }
}
