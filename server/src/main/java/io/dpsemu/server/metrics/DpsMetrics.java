package io.dpsemu.server.metrics;

import io.dpsemu.protocol.Transport;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import java.time.Duration;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;
import java.util.function.ToDoubleFunction;
import java.util.stream.DoubleStream;

/**
 * Every meter dpsemu defines, in one place (docs/metrics.md lists them). Label values are
 * snake_case and come from closed sets, never a registration id; every series of those sets is
 * registered here at zero, so dashboards and alerts see it before the first event.
 */
public final class DpsMetrics {

    /**
     * The buckets of every latency histogram: from a store write on a fast disk (1 ms) to a
     * registration that waited for a slow webhook or a stalled store (a minute).
     */
    static final List<Duration> LATENCY_BUCKETS = DoubleStream.of(1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1_000,
            2_500, 5_000, 10_000, 30_000, 60_000).mapToObj(millis -> Duration.ofNanos((long) (millis * 1e6))).toList();

    /** The refusing CONNACK return codes of MQTT 3.1.1 (1 to 5). */
    private static final List<MqttConnectReturnCode> CONNECT_REFUSALS = List.of(
            MqttConnectReturnCode.CONNECTION_REFUSED_UNACCEPTABLE_PROTOCOL_VERSION,
            MqttConnectReturnCode.CONNECTION_REFUSED_IDENTIFIER_REJECTED,
            MqttConnectReturnCode.CONNECTION_REFUSED_SERVER_UNAVAILABLE,
            MqttConnectReturnCode.CONNECTION_REFUSED_BAD_USER_NAME_OR_PASSWORD,
            MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED);
    private static final String REFUSED_PREFIX = "connection_refused_";

    private final MeterRegistry registry;
    private final AtomicInteger activeConnections = new AtomicInteger();
    private final Map<CloseReason, Counter> closed = new EnumMap<>(CloseReason.class);
    private final Map<MqttConnectReturnCode, Counter> connectRefused = new EnumMap<>(MqttConnectReturnCode.class);
    private final Map<Transport, Map<RegistrationOutcome, Counter>> registrations = new EnumMap<>(Transport.class);
    private final Map<Transport, Map<RegistrationOutcome, Timer>> registrationDurations =
            new EnumMap<>(Transport.class);
    private final Map<InjectedFault, Counter> faults = new EnumMap<>(InjectedFault.class);
    private final Map<ThrottledQuota, Counter> throttled = new EnumMap<>(ThrottledQuota.class);
    private final Map<CertificateRefusal, Counter> certificateRefusals = new EnumMap<>(CertificateRefusal.class);
    private final Map<String, Counter> certificatesIssued = new ConcurrentHashMap<>();
    private final Timer commitsWritten;
    private final Timer commitsFailed;
    private final DistributionSummary commitGroupSize;

    public DpsMetrics(MeterRegistry registry) {
        this.registry = registry;
        Gauge.builder("dps.connections.active", activeConnections, AtomicInteger::get)
                .description("Device connections open now (MQTT, MQTT over WebSocket and HTTPS ports)")
                .register(registry);
        for (CloseReason reason : CloseReason.values()) {
            if (reason.byServer()) {
                closed.put(reason, Counter.builder("dps.connections.closed").tag("reason", reason.tag())
                        .description("Device connections the server closed or refused, by reason")
                        .register(registry));
            }
        }
        for (MqttConnectReturnCode code : CONNECT_REFUSALS) {
            connectRefused.put(code, Counter.builder("dps.connect.refused").tag("reason", refusalTag(code))
                    .description("MQTT CONNECTs answered with a refusing CONNACK, by return code")
                    .register(registry));
        }
        for (Transport transport : Transport.values()) {
            Map<RegistrationOutcome, Counter> counters = new EnumMap<>(RegistrationOutcome.class);
            Map<RegistrationOutcome, Timer> timers = new EnumMap<>(RegistrationOutcome.class);
            for (RegistrationOutcome outcome : RegistrationOutcome.values()) {
                counters.put(outcome, Counter.builder("dps.registrations")
                        .tags("transport", transport.configName(), "outcome", outcome.tag())
                        .description("Register requests by how they ended and the transport they came on")
                        .register(registry));
                if (outcome.endsOperation()) {
                    timers.put(outcome, latency("dps.registration.duration")
                            .tags("transport", transport.configName(), "outcome", outcome.tag())
                            .description("Seconds from a register request to the end of its operation"
                                    + " (record durable, or failed or disabled)")
                            .register(registry));
                }
            }
            registrations.put(transport, counters);
            registrationDurations.put(transport, timers);
        }
        for (InjectedFault action : InjectedFault.values()) {
            faults.put(action, Counter.builder("dps.faults.fired").tag("action", action.tag())
                    .description("Fault rules that fired, by the action they took").register(registry));
        }
        for (ThrottledQuota quota : ThrottledQuota.values()) {
            throttled.put(quota, Counter.builder("dps.throttled").tag("quota", quota.tag())
                    .description("Requests refused with 429 by a throttling quota, by quota").register(registry));
        }
        for (CertificateRefusal reason : CertificateRefusal.values()) {
            certificateRefusals.put(reason, Counter.builder("dps.certificate.requests.refused")
                    .tag("reason", reason.tag())
                    .description("Certificate signing requests refused with 400, by reason").register(registry));
        }
        this.commitsWritten = commitDuration("ok").register(registry);
        this.commitsFailed = commitDuration("failed").register(registry);
        this.commitGroupSize = DistributionSummary.builder("dps.store.commit.records")
                .description("Registration records written per transaction (group commit)")
                .register(registry);
    }

    public MeterRegistry registry() {
        return registry;
    }

    public void connectionOpened() {
        activeConnections.incrementAndGet();
    }

    public void connectionClosed() {
        activeConnections.decrementAndGet();
    }

    public int activeConnections() {
        return activeConnections.get();
    }

    /** The server closed (or refused) a connection; a client's own disconnect is not counted. */
    public void closed(CloseReason reason) {
        if (reason.byServer()) {
            closed.get(reason).increment();
        }
    }

    /** A CONNECT was answered with this refusing return code. */
    public void connectRefused(MqttConnectReturnCode code) {
        Counter counter = connectRefused.get(code);
        if (counter == null) {
            throw new IllegalArgumentException(code + " is not a refusing MQTT 3.1.1 CONNACK code");
        }
        counter.increment();
    }

    /** A register request ended without an operation (refused) or its operation ended. */
    public void registration(Transport transport, RegistrationOutcome outcome) {
        registrations.get(transport).get(outcome).increment();
    }

    /** A register request's operation ended with {@code outcome} this long after the request. */
    public void registrationDuration(Transport transport, RegistrationOutcome outcome, Duration duration) {
        Timer timer = registrationDurations.get(transport).get(outcome);
        if (timer == null) {
            throw new IllegalArgumentException(outcome.tag() + " ends no operation");
        }
        timer.record(duration);
    }

    /** One transaction wrote (ok) or failed to write this many registration records, taking this long. */
    public void storeCommit(int records, boolean ok, Duration duration) {
        if (ok) {
            commitsWritten.record(duration);
            commitGroupSize.record(records);
        } else {
            commitsFailed.record(duration);
        }
    }

    /** The operation table: operations held (finished ones included) and those still assigning. */
    public void operations(IntSupplier held, IntSupplier assigning) {
        Gauge.builder("dps.operations", held::getAsInt)
                .description("Operations devices can poll, finished ones included (until retention ends)")
                .register(registry);
        Gauge.builder("dps.operations.assigning", assigning::getAsInt)
                .description("Operations whose registration record is not durable yet").register(registry);
    }

    /** Whether the store serves now: 1 or 0. */
    public <T> void storeUp(T health, ToDoubleFunction<T> up) {
        Gauge.builder("dps.store.up", health, up)
                .description("1 while the store serves, 0 while it is down (a failed call, write or a stall)")
                .register(registry);
    }

    public void faultFired(InjectedFault action) {
        faults.get(action).increment();
    }

    /** Registers the issued-certificate counter of each configured credential policy, so each starts at 0. */
    public void credentialPolicies(Collection<String> names) {
        names.forEach(this::issuedCounter);
    }

    public void certificateIssued(String policy) {
        issuedCounter(policy).increment();
    }

    public void certificateRefused(CertificateRefusal reason) {
        certificateRefusals.get(reason).increment();
    }

    private Counter issuedCounter(String policy) {
        return certificatesIssued.computeIfAbsent(policy, name -> Counter.builder("dps.certificates.issued")
                .tag("policy", name)
                .description("Device certificates issued at registration, by credential policy").register(registry));
    }

    public void throttled(ThrottledQuota quota) {
        throttled.get(quota).increment();
    }

    private static Timer.Builder latency(String name) {
        return Timer.builder(name).serviceLevelObjectives(LATENCY_BUCKETS.toArray(Duration[]::new));
    }

    private static Timer.Builder commitDuration(String result) {
        return latency("dps.store.commit.duration").tag("result", result)
                .description("Seconds one transaction writing a group of registration records took");
    }

    /** {@code CONNECTION_REFUSED_NOT_AUTHORIZED} is {@code not_authorized}. */
    private static String refusalTag(MqttConnectReturnCode code) {
        return code.name().toLowerCase(Locale.ROOT).substring(REFUSED_PREFIX.length());
    }
}
