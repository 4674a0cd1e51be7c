package io.dpsemu.server.faults;

import static io.dpsemu.server.faults.FaultRuleTest.spec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.dpsemu.protocol.RequestKind;
import io.dpsemu.protocol.Transport;
import io.dpsemu.protocol.faults.FaultRuleChecks;
import io.dpsemu.protocol.faults.FaultRuleSpec;
import io.dpsemu.protocol.faults.InvalidFaultRuleException;
import io.dpsemu.server.device.DeviceRequest;
import io.dpsemu.server.metrics.DpsMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class FaultRulesTest {

    private static final FaultAction THROTTLE = new FaultAction.Respond(429001, "injected fault f1", 3);

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final SplittableRandom random = new SplittableRandom(42);

    private FaultRules rules(String... json) {
        List<FaultRuleSpec> specs = new ArrayList<>();
        for (String rule : json) {
            specs.add(spec(rule));
        }
        return new FaultRules(specs, new DpsMetrics(registry), nanos::get, random::nextDouble);
    }

    private static DeviceRequest register(String registrationId) {
        return new DeviceRequest(registrationId, Transport.MQTT, RequestKind.REGISTER, null, true);
    }

    private static DeviceRequest request(Transport transport, RequestKind kind) {
        return new DeviceRequest("dev-1", transport, kind, null, true);
    }

    private static DeviceRequest ofGroup(String group) {
        return new DeviceRequest("dev-1", Transport.HTTPS, RequestKind.POLL, group, false);
    }

    @Test
    void noRules_neverFire() {
        assertThat(rules().onRequest(register("dev-1"))).isEmpty();
    }

    @Test
    void registrationIdGlob_matchesCaseInsensitively_withStarAndQuestionMark() {
        FaultRules rules = rules("{\"status\": 429, \"registrationId\": \"dev-?-*.x\"}");

        assertThat(rules.onRequest(register("dev-1-abc.x"))).contains(THROTTLE);
        assertThat(rules.onRequest(register("DEV-2-.X"))).contains(THROTTLE);
        assertThat(rules.onRequest(register("dev-12-abc.x"))).isEmpty();
        assertThat(rules.onRequest(register("dev-1-abcax"))).as("'.' is literal").isEmpty();
        assertThat(rules.onRequest(register("xdev-1-a.x"))).isEmpty();
    }

    @Test
    void transportsAndKinds_restrictTheRule() {
        FaultRules rules = rules("{\"status\": 429, \"transports\": [\"mqttws\", \"https\"], \"kinds\": [\"poll\"]}");

        assertThat(rules.onRequest(request(Transport.MQTT_WS, RequestKind.POLL))).isPresent();
        assertThat(rules.onRequest(request(Transport.HTTPS, RequestKind.POLL))).isPresent();
        assertThat(rules.onRequest(request(Transport.MQTT, RequestKind.POLL))).isEmpty();
        assertThat(rules.onRequest(request(Transport.HTTPS, RequestKind.REGISTER))).isEmpty();
    }

    @Test
    void enrollmentGroupId_matchesOnlyDevicesOfAMatchingGroup() {
        FaultRules rules = rules("{\"status\": 500, \"enrollmentGroupId\": \"sensors-*\"}");

        assertThat(rules.onRequest(ofGroup("Sensors-east"))).isPresent();
        assertThat(rules.onRequest(ofGroup("pumps"))).isEmpty();
        assertThat(rules.onRequest(ofGroup(null))).as("individual or unknown").isEmpty();
    }

    @Test
    void individual_matchesOnlyDevicesOfIndividualEnrollments() {
        FaultRules rules = rules("{\"status\": 500, \"individual\": true}");

        assertThat(rules.onRequest(register("dev-1"))).isPresent();
        assertThat(rules.onRequest(ofGroup("sensors"))).isEmpty();
    }

    @Test
    void probability_firesOnThatShareOfMatchingRequests() {
        FaultRules rules = rules("{\"status\": 429, \"probability\": 0.3}");

        long fired = IntStream.range(0, 10_000).filter(i -> rules.onRequest(register("d" + i)).isPresent()).count();

        // binomial(10000, 0.3): standard deviation 46; 5 of them either side
        assertThat(fired).isBetween(2770L, 3230L);
        assertThat(rules.list().get(0).hits()).isEqualTo((int) fired);
    }

    @Test
    void everyNth_firesExactlyOnTheNthMatchingRequests() {
        FaultRules rules = rules("{\"status\": 503, \"everyNth\": 3, \"kinds\": [\"register\"]}");

        List<Integer> firedAt = new ArrayList<>();
        for (int i = 1; i <= 10; i++) {
            rules.onRequest(request(Transport.MQTT, RequestKind.POLL)); // not matching: not counted
            if (rules.onRequest(register("dev-1")).isPresent()) {
                firedAt.add(i);
            }
        }

        assertThat(firedAt).containsExactly(3, 6, 9);
    }

    @Test
    void maxHits_firesExactlyThatOften_underConcurrency_thenTheRuleIsGone() throws Exception {
        FaultRules rules = new FaultRules(List.of(spec("{\"drop\": true, \"maxHits\": 1000}")),
                new DpsMetrics(registry));
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Integer>> counts = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            counts.add(pool.submit(() -> {
                start.await();
                int fired = 0;
                for (int i = 0; i < 1000; i++) {
                    fired += rules.onRequest(register("dev-" + i)).isPresent() ? 1 : 0;
                }
                return fired;
            }));
        }
        start.countDown();
        int total = 0;
        for (Future<Integer> count : counts) {
            total += count.get(30, TimeUnit.SECONDS);
        }
        pool.shutdown();

        assertThat(total).isEqualTo(1000);
        assertThat(rules.list()).isEmpty();
        assertThat(registry.counter("dps.faults.fired", "action", "drop").count()).isEqualTo(1000);
    }

    @Test
    void expiresAfterSeconds_endsTheRuleOnTheInjectedClock() {
        FaultRules rules = rules("{\"delayMillis\": 100, \"expiresAfterSeconds\": 60}");

        nanos.addAndGet(Duration.ofSeconds(59).plusMillis(1).toNanos());
        assertThat(rules.list()).singleElement().satisfies(r -> assertThat(r.expiresInSeconds()).isEqualTo(1));
        assertThat(rules.onRequest(register("dev-1"))).contains(new FaultAction.Delay(100));

        nanos.addAndGet(Duration.ofMillis(999).toNanos());
        assertThat(rules.onRequest(register("dev-1"))).isEmpty();
        assertThat(rules.list()).isEmpty();
    }

    @Test
    void rules_areEvaluatedInOrderAdded_aRuleThatDoesNotFireLetsTheNextDecide() {
        FaultRules rules = rules("{\"status\": 503, \"everyNth\": 2}", "{\"delayMillis\": 10}", "{\"drop\": true}");

        assertThat(rules.onRequest(register("dev-1"))).contains(new FaultAction.Delay(10));
        assertThat(rules.onRequest(register("dev-1")))
                .contains(new FaultAction.Respond(503001, "injected fault f1", 3));
        assertThat(rules.list()).extracting(FaultRuleState::id, FaultRuleState::hits)
                .containsExactly(tuple("f1", 1), tuple("f2", 1),
                        tuple("f3", 0));
    }

    @Test
    void add_assignsTheNextId_andARefusedRuleTakesNone() {
        FaultRules rules = rules("{\"drop\": true}");

        assertThatThrownBy(() -> rules.add(spec("{\"status\": 200}"))).isInstanceOf(InvalidFaultRuleException.class);
        FaultRuleState added = rules.add(spec("{\"status\": 429, \"maxHits\": 2, \"expiresAfterSeconds\": 30}"));

        assertThat(added.id()).isEqualTo("f2");
        assertThat(added.hits()).isZero();
        assertThat(added.expiresInSeconds()).isEqualTo(30);
        assertThat(added.rule().message()).isEqualTo("injected fault f2");
    }

    @Test
    void add_refusesMoreThanMaxRules() {
        FaultRules rules = rules();
        for (int i = 0; i < FaultRuleChecks.MAX_RULES; i++) {
            rules.add(spec("{\"drop\": true}"));
        }

        assertThatThrownBy(() -> rules.add(spec("{\"drop\": true}"))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("at most 1000");
    }

    @Test
    void removeAndClear_takeRulesOutOfForce() {
        FaultRules rules = rules("{\"drop\": true}", "{\"delayMillis\": 5}", "{\"status\": 500}");

        assertThat(rules.remove("f1")).isTrue();
        assertThat(rules.remove("f1")).isFalse();
        assertThat(rules.onRequest(register("dev-1"))).contains(new FaultAction.Delay(5));
        assertThat(rules.clear()).isEqualTo(2);
        assertThat(rules.list()).isEmpty();
        assertThat(rules.onRequest(register("dev-1"))).isEmpty();
    }

    @Test
    void fired_isCountedPerAction() {
        FaultRules rules = rules("{\"failOperation\": 400207}");

        Optional<FaultAction> fired = rules.onRequest(register("dev-1"));
        rules.onRequest(request(Transport.MQTT, RequestKind.POLL));

        assertThat(fired).contains(new FaultAction.FailOperation(400207, "injected fault f1"));
        assertThat(registry.counter("dps.faults.fired", "action", "fail_operation").count()).isEqualTo(1);
    }
}
