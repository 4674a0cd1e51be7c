package io.dpsemu.server.provisioning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dpsemu.protocol.enrollment.AttestationType;
import io.dpsemu.protocol.model.RegistrationSubstatus;
import io.dpsemu.server.metrics.DpsMetrics;
import io.dpsemu.server.metrics.StoreHealth;
import io.dpsemu.store.RegistrationRecord;
import io.dpsemu.store.memory.InMemoryStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RecordCommitterTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final DpsMetrics metrics = new DpsMetrics(new SimpleMeterRegistry());
    private final StoreHealth health = new StoreHealth(metrics);
    private final EngineTimer timer = new EngineTimer();
    private final StoreWatchdog watchdog = new StoreWatchdog(health, Duration.ofSeconds(60), 1, timer);
    private final SwitchableStore store = new SwitchableStore(new InMemoryStore());
    private final CountDownLatch writesMayGo = store.holdRegistrationWrites();
    private final Map<String, RegistrationRecord> durable = new ConcurrentHashMap<>();
    private final List<Operation> givenUp = new CopyOnWriteArrayList<>();
    private RecordCommitter committer;

    @AfterEach
    void stop() {
        writesMayGo.countDown();
        if (committer != null) {
            committer.close();
        }
        timer.close();
    }

    @Test
    void submit_whenRecordsArriveWhileATransactionCommits_thenTheyShareTheNextOne() {
        committer = committer(512, 60);
        committer.submit(pending("first"));
        await().atMost(WAIT).until(store::registrationWriteReached);
        for (int i = 0; i < 50; i++) {
            committer.submit(pending("device-" + i));
        }

        writesMayGo.countDown();

        await().atMost(WAIT).until(() -> durable.size() == 51);
        assertThat(store.recordsPerWrite()).containsExactly(1, 50);
        assertThat(store.findRegistration("device-49")).isPresent();
    }

    @Test
    void submit_whenMoreRecordsWaitThanOneTransactionTakes_thenTheyAreSplitAtTheMaximum() {
        committer = committer(20, 60);
        committer.submit(pending("first"));
        await().atMost(WAIT).until(store::registrationWriteReached);
        for (int i = 0; i < 50; i++) {
            committer.submit(pending("device-" + i));
        }

        writesMayGo.countDown();

        await().atMost(WAIT).until(() -> durable.size() == 51);
        assertThat(store.recordsPerWrite()).containsExactly(1, 20, 20, 10);
    }

    @Test
    void submit_whenWritesFailTransiently_thenRetriedUntilTheyAreDurableAndTheOperationSaysWhy() {
        writesMayGo.countDown();
        committer = committer(512, 60);
        store.failRegistrationWrites(true);
        RecordCommitter.Pending pending = pending("device-1");

        committer.submit(pending);

        await().atMost(WAIT).until(() -> pending.operation().storeTrouble() != null);
        assertThat(health.isUp()).isFalse();
        assertThat(durable).isEmpty();
        store.failRegistrationWrites(false);
        await().atMost(WAIT).until(() -> durable.containsKey("device-1"));
        assertThat(health.isUp()).isTrue();
    }

    @Test
    void submit_whenWritesFailLongerThanTheGiveUpTime_thenTheOperationIsGivenUp() {
        writesMayGo.countDown();
        committer = committer(512, 0);
        store.failRegistrationWrites(true);

        committer.submit(pending("device-1"));

        await().atMost(WAIT).until(() -> givenUp.size() == 1);
        assertThat(durable).isEmpty();
    }

    @Test
    void close_whenRecordsAreQueued_thenTheyAreWrittenFirst() {
        committer = committer(512, 60);
        committer.submit(pending("first"));
        await().atMost(WAIT).until(store::registrationWriteReached);
        committer.submit(pending("queued"));
        writesMayGo.countDown();

        committer.close();
        committer = null;

        assertThat(store.findRegistration("queued")).isPresent();
    }

    private RecordCommitter committer(int maxRecords, long giveUpSeconds) {
        return new RecordCommitter(store, health, watchdog, metrics, givenUp::add, maxRecords, 0, giveUpSeconds);
    }

    private RecordCommitter.Pending pending(String registrationId) {
        Operation operation = new Operation("op-" + registrationId, registrationId, null, registrationId,
                System.nanoTime());
        RegistrationRecord record = RegistrationRecord.assigned(registrationId, null, AttestationType.SYMMETRIC_KEY,
                registrationId, "hub.example", RegistrationSubstatus.INITIAL_ASSIGNMENT, null, null, null);
        return new RecordCommitter.Pending(operation, record, stored -> durable.put(registrationId, stored),
                refused -> { });
    }
}
