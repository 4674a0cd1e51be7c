package io.dpsemu.server.provisioning;

import static org.assertj.core.api.Assertions.assertThat;

import io.dpsemu.protocol.model.DeviceRegistrationResult;
import io.dpsemu.protocol.model.ErrorCodes;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class OperationTableTest {

    private static final long RETENTION_SECONDS = 600;

    private long now = 1_000_000_000L;

    @Test
    void start_whenTheIdHasAnOperationAssigning_thenJoinsIt() {
        OperationTable table = new OperationTable(10, 10, RETENTION_SECONDS);
        Operation first = started(table.start("dev-a", null, now));

        OperationTable.Start again = table.start("DEV-A", null, now);

        assertThat(again).isEqualTo(new OperationTable.Start.Joined(first));
        assertThat(table.size()).isEqualTo(1);
        assertThat(table.inflight()).isEqualTo(1);
    }

    @Test
    void start_whenTheIdsOperationFinished_thenANewOneReplacesIt() {
        OperationTable table = new OperationTable(10, 10, RETENTION_SECONDS);
        Operation first = started(table.start("dev-a", null, now));
        finish(table, first);

        Operation second = started(table.start("dev-a", null, now));

        assertThat(second).isNotSameAs(first);
        assertThat(table.find(first.operationId(), "dev-a")).isEmpty();
        assertThat(table.find(second.operationId(), "dev-a")).contains(second);
        assertThat(table.size()).isEqualTo(1);
    }

    @Test
    void start_whenOneIdRegistersInALoop_thenTheTableHoldsOneOperation() {
        OperationTable table = new OperationTable(10, 10, RETENTION_SECONDS);

        for (int i = 0; i < 10_000; i++) {
            finish(table, started(table.start("attacker", null, now)));
        }

        assertThat(table.size()).isEqualTo(1);
        assertThat(table.inflight()).isZero();
    }

    @Test
    void start_whenTableIsFullOfFinishedOperations_thenOldestGiveWayAndNothingIsRefused() {
        OperationTable table = new OperationTable(100, 1000, RETENTION_SECONDS);

        Operation first = null;
        Operation last = null;
        for (int i = 0; i < 1_000; i++) {
            last = started(table.start("dev-" + i, "group", now));
            finish(table, last);
            first = first == null ? last : first;
        }

        assertThat(table.size()).isEqualTo(100);
        assertThat(table.find(last.operationId(), "dev-999")).contains(last);
        assertThat(table.find(first.operationId(), "dev-0")).isEmpty();
    }

    @Test
    void start_whenEveryEntryIsAssigning_thenRefusedNamingTheLimit() {
        OperationTable table = new OperationTable(2, 10, RETENTION_SECONDS);
        table.start("dev-1", null, now);
        table.start("dev-2", null, now);

        OperationTable.Start refused = table.start("dev-3", null, now);

        assertThat(refused).isInstanceOf(OperationTable.Start.Refused.class);
        assertThat(((OperationTable.Start.Refused) refused).reason()).contains("limits.maxOperations");
    }

    @Test
    void start_whenOneCredentialHasItsMaximumAssigning_thenOnlyThatCredentialIsRefused() {
        OperationTable table = new OperationTable(100, 2, RETENTION_SECONDS);
        table.start("dev-1", "flood", now);
        Operation second = started(table.start("dev-2", "FLOOD", now));

        assertThat(table.start("dev-3", "flood", now)).isInstanceOf(OperationTable.Start.Refused.class);
        assertThat(table.start("other", "quiet", now)).isInstanceOf(OperationTable.Start.Started.class);

        finish(table, second);
        assertThat(table.start("dev-3", "flood", now)).isInstanceOf(OperationTable.Start.Started.class);
    }

    @Test
    void abandon_whenAssigning_thenTheSlotIsFreedAndTheOperationForgotten() {
        OperationTable table = new OperationTable(1, 10, RETENTION_SECONDS);
        Operation operation = started(table.start("dev-1", null, now));

        table.abandon(operation);

        assertThat(table.find(operation.operationId(), "dev-1")).isEmpty();
        assertThat(table.inflight()).isZero();
        assertThat(operation.whenFinished()).isDone();
        assertThat(operation.finish(result("dev-1"), now)).as("an abandoned operation never finishes").isFalse();
        assertThat(table.start("dev-2", null, now)).isInstanceOf(OperationTable.Start.Started.class);
    }

    @Test
    void sweep_whenFinishedLongerThanTheRetention_thenForgotten() {
        OperationTable table = new OperationTable(10, 10, RETENTION_SECONDS);
        Operation old = started(table.start("dev-1", null, now));
        finish(table, old);
        now += TimeUnit.SECONDS.toNanos(RETENTION_SECONDS - 1);
        Operation recent = started(table.start("dev-2", null, now));
        finish(table, recent);

        table.sweep(now + TimeUnit.SECONDS.toNanos(2));

        assertThat(table.find(old.operationId(), "dev-1")).isEmpty();
        assertThat(table.find(recent.operationId(), "dev-2")).contains(recent);
    }

    @Test
    void find_whenRegistrationIdDiffers_thenEmpty() {
        OperationTable table = new OperationTable(10, 10, RETENTION_SECONDS);
        Operation operation = started(table.start("dev-1", null, now));

        assertThat(table.find(operation.operationId(), "dev-2")).isEmpty();
        assertThat(table.find(operation.operationId(), "DEV-1")).contains(operation);
    }

    private static Operation started(OperationTable.Start start) {
        assertThat(start).isInstanceOf(OperationTable.Start.Started.class);
        return ((OperationTable.Start.Started) start).operation();
    }

    private void finish(OperationTable table, Operation operation) {
        assertThat(operation.finish(result(operation.registrationId()), now)).isTrue();
        table.finished(operation);
    }

    private static DeviceRegistrationResult result(String registrationId) {
        return DeviceRegistrationResult.failed(registrationId, ErrorCodes.INTERNAL_ERROR, "test", Instant.now());
    }
}
