package io.dpsemu.server.provisioning;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.dpsemu.protocol.json.DpsJson;
import io.dpsemu.protocol.model.DeviceRegistrationResult;
import io.dpsemu.protocol.model.ErrorCodes;
import io.dpsemu.protocol.model.RegistrationOperationStatus;
import io.dpsemu.protocol.model.RegistrationStatus;
import io.dpsemu.store.OperationRecord;
import io.dpsemu.store.Store;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Optional;

/**
 * Copies operations into a store that several nodes share, so a device that registered on one node
 * can poll on another (HTTPS requests land anywhere behind a load balancer; an MQTT device may
 * reconnect elsewhere). With a store of one node it does nothing: the node's own table suffices and
 * a registration costs no extra write. A started operation is written before the device learns its
 * id (on a store thread); a finished one rides along with the committer's next group.
 */
final class OperationMirror {

    private final Store store;
    private final RecordCommitter committer;
    private final boolean shared;
    /** Assignments take milliseconds; one still assigning after this lost its node. */
    private final Duration abandonedAfter;

    OperationMirror(Store store, RecordCommitter committer, boolean shared, Duration abandonedAfter) {
        this.store = store;
        this.committer = committer;
        this.shared = shared;
        this.abandonedAfter = abandonedAfter;
    }

    boolean shared() {
        return shared;
    }

    void started(Operation operation) {
        if (shared) {
            store.putOperation(new OperationRecord(operation.operationId(), operation.registrationId(),
                    RegistrationStatus.ASSIGNING, null, null, null));
        }
    }

    void finished(Operation operation, DeviceRegistrationResult result) {
        if (shared) {
            committer.share(new OperationRecord(operation.operationId(), operation.registrationId(),
                    result.status(), DpsJson.mapper().valueToTree(result), null, null));
        }
    }

    /** The operation as another node left it, if it belongs to this registration id. */
    Optional<RegistrationOperationStatus> find(String operationId, String registrationId) {
        if (!shared) {
            return Optional.empty();
        }
        return store.findOperation(operationId)
                .filter(o -> o.registrationId().toLowerCase(Locale.ROOT)
                        .equals(registrationId.toLowerCase(Locale.ROOT)))
                .map(this::status);
    }

    void forgetUpdatedBefore(Instant cutoff) {
        if (shared) {
            store.deleteOperationsUpdatedBefore(cutoff);
        }
    }

    private RegistrationOperationStatus status(OperationRecord record) {
        if (record.result() == null) {
            if (record.createdDateTimeUtc().plus(abandonedAfter).isBefore(Instant.now())) {
                // the node that took the registration stopped before finishing it: tell the device to start over
                Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
                return new RegistrationOperationStatus(record.operationId(), RegistrationStatus.FAILED,
                        DeviceRegistrationResult.failed(record.registrationId(), ErrorCodes.INTERNAL_ERROR,
                                "the node that accepted this registration stopped before finishing it; register again",
                                now));
            }
            return new RegistrationOperationStatus(record.operationId(), RegistrationStatus.ASSIGNING,
                    DeviceRegistrationResult.assigning(record.registrationId()));
        }
        try {
            DeviceRegistrationResult result = DpsJson.mapper().treeToValue(record.result(),
                    DeviceRegistrationResult.class);
            return new RegistrationOperationStatus(record.operationId(), result.status(), result);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("operation " + record.operationId() + " has an unreadable result", e);
        }
    }
}
