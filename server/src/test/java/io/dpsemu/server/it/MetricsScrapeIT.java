package io.dpsemu.server.it;

import static io.dpsemu.server.rawhttp.RawHttpsClient.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dpsemu.protocol.Transport;
import io.dpsemu.protocol.enrollment.IndividualEnrollment;
import io.dpsemu.server.BuildInfo;
import io.dpsemu.server.DpsServer;
import io.dpsemu.server.it.PrometheusText.Sample;
import io.dpsemu.server.it.reliability.OperationsEndpoint;
import io.dpsemu.server.metrics.CloseReason;
import io.dpsemu.server.metrics.InjectedFault;
import io.dpsemu.server.metrics.RegistrationOutcome;
import io.dpsemu.server.metrics.ThrottledQuota;
import io.dpsemu.server.rawhttp.RawHttpsClient;
import io.dpsemu.server.rawhttp.RawHttpsClient.Response;
import io.dpsemu.server.rawmqtt.RawMqttDevice;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code GET /metrics} of a real server on ephemeral ports, read the way Prometheus reads it: the
 * first scrape is taken before any device traffic (issue 13: families without HELP, a latency
 * without buckets, no JVM meters, label values in mixed styles, series only after the first event).
 */
@Timeout(60)
class MetricsScrapeIT {

    private static final Pattern SNAKE_CASE = Pattern.compile("[a-z0-9_]+");
    /** Micrometer's JVM and system binders: their label values are the JVM's names (pools, collectors, states). */
    private static final List<String> BINDER_PREFIXES = List.of("jvm_", "process_", "system_");

    @EphemeralServer(settings = "operations.port=0")
    static DpsServer server;

    private static OperationsEndpoint endpoint;
    private static PrometheusText beforeTraffic;

    @BeforeAll
    static void scrapeBeforeAnyTraffic() {
        endpoint = new OperationsEndpoint(server.operationsPort());
        beforeTraffic = endpoint.scrape();
    }

    @Test
    void everyFamily_hasHelpText() {
        assertThat(beforeTraffic.families()).isNotEmpty();
        assertThat(beforeTraffic.families().values()).allSatisfy(family ->
                assertThat(family.help()).as("HELP of %s", family.name()).isNotBlank());
        assertThat(beforeTraffic.samples()).allSatisfy(sample ->
                assertThat(beforeTraffic.familyOf(sample.name())).as("family of %s", sample.name()).isPresent());
    }

    @Test
    void registrationDuration_isAHistogramWithBucketsFromAMillisecondToAMinute_forEveryTransportAndOutcome() {
        assertThat(beforeTraffic.families().get("dps_registration_duration_seconds").type()).isEqualTo("histogram");
        for (Transport transport : Transport.values()) {
            for (RegistrationOutcome outcome : RegistrationOutcome.values()) {
                List<String> bounds = beforeTraffic.samples("dps_registration_duration_seconds_bucket",
                        Map.of("transport", transport.configName(), "outcome", outcome.tag())).stream()
                        .map(sample -> sample.labels().get("le")).toList();
                if (outcome.endsOperation()) {
                    assertThat(bounds).as("le of %s %s", transport, outcome)
                            .contains("0.001", "0.01", "0.1", "1.0", "10.0", "60.0", "+Inf");
                } else {
                    assertThat(bounds).as("%s ends no operation, so it has no duration", outcome).isEmpty();
                }
            }
        }
        assertThat(beforeTraffic.samples("dps_store_commit_duration_seconds_bucket", Map.of("result", "ok")))
                .extracting(sample -> sample.labels().get("le")).contains("0.001", "60.0", "+Inf");
    }

    @Test
    void buildInfo_isOne_withTheVersionTheBuildStamped() {
        assertThat(BuildInfo.version()).isNotEqualTo("unknown");
        assertThat(beforeTraffic.sample("dpsemu_build_info", Map.of("version", BuildInfo.version())))
                .map(Sample::value).contains(1.0);
    }

    @Test
    void jvmAndProcessFamilies_arePresent() {
        assertThat(beforeTraffic.families()).containsKeys("jvm_memory_used_bytes", "jvm_memory_max_bytes",
                "jvm_gc_overhead", "jvm_gc_memory_allocated_bytes_total", "jvm_threads_live_threads",
                "jvm_threads_states_threads", "jvm_classes_loaded_classes", "jvm_info", "process_cpu_usage",
                "system_cpu_count", "process_uptime_seconds", "process_start_time_seconds",
                "process_files_open_files", "process_files_max_files");
        assertThat(beforeTraffic.sample("process_files_open_files", Map.of())).map(Sample::value)
                .hasValueSatisfying(open -> assertThat(open).isPositive());
    }

    /**
     * dpsemu's own label values are snake_case; the exceptions are identifiers: {@code version} of
     * {@code dpsemu_build_info} and {@code le}, the bucket bound. Micrometer's binders keep the JVM's names.
     */
    @Test
    void labelValuesOfDpsemuFamilies_areSnakeCase() {
        List<String> offending = new ArrayList<>();
        for (Sample sample : beforeTraffic.samples()) {
            if (BINDER_PREFIXES.stream().anyMatch(sample.name()::startsWith)) {
                continue;
            }
            sample.labels().forEach((label, value) -> {
                boolean identifier = label.equals("le")
                        || label.equals("version") && sample.name().equals("dpsemu_build_info");
                if (!identifier && !SNAKE_CASE.matcher(value).matches()) {
                    offending.add(sample.name() + "{" + label + "=\"" + value + "\"}");
                }
            });
        }
        assertThat(offending).isEmpty();
    }

    @Test
    void everyKnownSeries_isThereAtZero_beforeTheFirstEvent() {
        for (Transport transport : Transport.values()) {
            for (RegistrationOutcome outcome : RegistrationOutcome.values()) {
                assertZero("dps_registrations_total", Map.of("transport", transport.configName(),
                        "outcome", outcome.tag()));
            }
        }
        for (CloseReason reason : CloseReason.values()) {
            if (reason.byServer()) {
                assertZero("dps_connections_closed_total", Map.of("reason", reason.tag()));
            }
        }
        for (String refusal : List.of("unacceptable_protocol_version", "identifier_rejected", "server_unavailable",
                "bad_user_name_or_password", "not_authorized")) {
            assertZero("dps_connect_refused_total", Map.of("reason", refusal));
        }
        for (InjectedFault action : InjectedFault.values()) {
            assertZero("dps_faults_fired_total", Map.of("action", action.tag()));
        }
        for (ThrottledQuota quota : ThrottledQuota.values()) {
            assertZero("dps_throttled_total", Map.of("quota", quota.tag()));
        }
        for (String result : List.of("ok", "failed")) {
            assertZero("dps_store_commit_duration_seconds_count", Map.of("result", result));
        }
        assertZero("dps_connections_active", Map.of());
        assertZero("dps_operations", Map.of());
        assertZero("dps_operations_assigning", Map.of());
        assertThat(beforeTraffic.sample("dps_store_up", Map.of())).map(Sample::value).contains(1.0);
    }

    /** The label values documented in docs/metrics.md, spelled out so that a rename shows up here. */
    @Test
    void documentedLabelValues_areTheOnesServed() {
        assertThat(labelValues("dps_registrations_total", "transport")).isEqualTo(Set.of("mqtt", "mqttws", "https"));
        assertThat(labelValues("dps_registrations_total", "outcome")).isEqualTo(Set.of("assigned", "disabled",
                "failed", "error", "unauthorized", "throttled"));
        assertThat(labelValues("dps_faults_fired_total", "action")).isEqualTo(Set.of("respond", "delay", "drop",
                "fail_operation"));
        assertThat(labelValues("dps_throttled_total", "quota")).isEqualTo(Set.of("registrations_per_minute",
                "operations_per_minute", "polls_per_device_per_10_seconds"));
        assertThat(labelValues("dps_connections_closed_total", "reason")).contains("address_limit", "address_rate",
                "limit", "connect_refused", "auth_failed", "tls_failure").doesNotContain("client_disconnect");
    }

    @Test
    void httpsRegistration_countsAssigned_andFillsTheLatencyHistogramAndStoreCommitLatency() throws IOException {
        RawMqttDevice device = enroll("metrics-https-device");
        Map<String, String> httpsAssigned = Map.of("transport", "https", "outcome", "assigned");
        double assignedBefore = value("dps_registrations_total", httpsAssigned);
        double durationsBefore = value("dps_registration_duration_seconds_count", httpsAssigned);
        double commitsBefore = value("dps_store_commit_duration_seconds_count", Map.of("result", "ok"));

        try (RawHttpsClient client = RawHttpsClient.connect(server.httpsPort(), server.caCertificate())) {
            String registrations = "/" + server.idScope() + "/registrations/" + device.registrationId();
            Response accepted = client.exchange(request("PUT", registrations + "/register?api-version="
                    + RawMqttDevice.API_VERSION).header("Host", client.host())
                    .header("Content-Type", "application/json").header("Authorization", device.sasToken())
                    .body("{\"registrationId\":\"" + device.registrationId() + "\"}"));
            assertThat(accepted.status()).as("%s", accepted).isEqualTo(202);
            String poll = registrations + "/operations/" + accepted.json().path("operationId").asText()
                    + "?api-version=" + RawMqttDevice.API_VERSION;
            await().atMost(Duration.ofSeconds(20)).until(() -> client.exchange(request("GET", poll)
                    .header("Host", client.host()).header("Authorization", device.sasToken())).status() == 200);
        }

        assertThat(value("dps_registrations_total", httpsAssigned)).isEqualTo(assignedBefore + 1);
        assertThat(value("dps_registration_duration_seconds_count", httpsAssigned)).isEqualTo(durationsBefore + 1);
        List<Sample> buckets = endpoint.scrape().samples("dps_registration_duration_seconds_bucket", httpsAssigned);
        assertThat(buckets).filteredOn(bucket -> bucket.labels().get("le").equals("+Inf"))
                .singleElement().extracting(Sample::value).isEqualTo(durationsBefore + 1);
        assertThat(value("dps_store_commit_duration_seconds_count", Map.of("result", "ok")))
                .isGreaterThan(commitsBefore);
    }

    private static void assertZero(String name, Map<String, String> labels) {
        assertThat(beforeTraffic.sample(name, labels)).as("%s%s before any traffic", name, labels)
                .map(Sample::value).contains(0.0);
    }

    private static Set<String> labelValues(String name, String label) {
        return Set.copyOf(beforeTraffic.samples(name, Map.of()).stream().map(s -> s.labels().get(label)).toList());
    }

    private static double value(String name, Map<String, String> labels) {
        return endpoint.scrape().sample(name, labels).orElseThrow(() ->
                new AssertionError("/metrics has no " + name + labels)).value();
    }

    private static RawMqttDevice enroll(String registrationId) {
        String key = RawMqttDevice.newKey();
        server.store().putEnrollment(IndividualEnrollment.symmetricKey(registrationId, key, RawMqttDevice.newKey()),
                null);
        return new RawMqttDevice(server.idScope(), registrationId, key);
    }
}
