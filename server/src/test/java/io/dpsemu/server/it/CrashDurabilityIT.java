package io.dpsemu.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import io.dpsemu.protocol.model.RegistrationStatus;
import io.dpsemu.server.cli.DpsemuCommand;
import io.dpsemu.server.it.reliability.AssignedLedger;
import io.dpsemu.store.Page;
import io.dpsemu.store.RegistrationRecord;
import io.dpsemu.store.Store;
import io.dpsemu.store.postgres.PostgresStore;
import io.dpsemu.store.postgres.PostgresTestDatabase;
import io.dpsemu.store.sqlite.SqliteStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The durability promises of docs/architecture.md#durability, with SIGKILL: a dpsemu server runs as
 * a separate JVM on a data directory (SQLite) or a fresh PostgreSQL schema while several client
 * threads register devices of one symmetric-key group over the HTTPS device API as fast as they
 * can; at a random moment the process is killed with SIGKILL ({@link Process#destroyForcibly()})
 * and started again on the same data and ports, {@value #CYCLES} times (system property
 * {@code dpsemu.crash.cycles}). Every device that was told {@code assigned} is remembered with its
 * hub and device id; after a last restart and a graceful stop, each one must have its registration
 * record, with the same hub and device id, read straight from the store. Along the way:
 * <ul>
 *   <li>a poll of an operation started before a kill gets {@code 404} (SQLite: operations live in the
 *       node) or, on PostgreSQL where operations are shared, {@code failed} once the operation is
 *       abandoned ({@value #ABANDONED_OPERATION_SECONDS} s here), never {@code 202} for ever; the
 *       device then registers again. A {@code 404} never comes without a restart;</li>
 *   <li>after the last restart a sample of assigned devices is looked up over the device API and
 *       gets the same hub and device id;</li>
 *   <li>every record in the store is whole: assigned, to a linked hub, with a device id.</li>
 * </ul>
 * The kill points are random; the seed is printed (system property {@code dpsemu.crash.seed}
 * replays the same delays). The server answers without its minimum response delay and advertises
 * retry-after 1; the clients poll every {@value #POLL_MILLIS} ms. Each store's run ends with one
 * line, {@code CrashDurabilityIT[store]: devices told assigned: N; their records found with the same
 * hub and device id: M}, and N must equal M.
 *
 * <p>Nothing here waits for a wall-clock time tuned to an idle machine (issue 11 case 13: this test
 * once timed out at 100 s on a loaded 2-core machine and passed alone in 44 s). A kill waits until
 * the restarted server has accepted a registration, so every cycle hits work whatever the load; a
 * start waits while the server's log still grows; a device is stuck only when its operation has not
 * finished {@value #STUCK_SECONDS} s after the latest restart. The class timeout is a safety net.
 */
@Tag("reliability")
@Timeout(value = 20, unit = TimeUnit.MINUTES)
class CrashDurabilityIT {

    private static final int CYCLES = Integer.getInteger("dpsemu.crash.cycles", 15);
    private static final int CLIENTS = 6;
    private static final int MIN_KILL_DELAY_MILLIS = 100;
    private static final int MAX_KILL_DELAY_MILLIS = 1200;
    private static final long POLL_MILLIS = 10;
    /** Only a dead server takes this long to answer; a killed one breaks the connection at once. */
    private static final int REQUEST_TIMEOUT_MILLIS = 30_000;
    /** A starting server that has written nothing to its log for this long is stuck. */
    private static final Duration START_STALL = Duration.ofSeconds(60);
    private static final int STUCK_SECONDS = 60;
    private static final Duration DEVICE_DEADLINE = Duration.ofSeconds(STUCK_SECONDS);
    /** A restarted server that accepts no registration for this long is not serving. */
    private static final Duration NO_PROGRESS = Duration.ofSeconds(120);
    private static final int LOOKUP_SAMPLE = 20;
    private static final int ABANDONED_OPERATION_SECONDS = 2;
    private static final String GROUP_ID = "crash-storm";
    private static final Set<String> HUBS = Set.of("crash-hub-a.local", "crash-hub-b.local");

    @TempDir
    Path dir;

    @Test
    void sqlite_whenKilledBySigkillDuringRegistrationStorm_thenEveryAssignedDeviceKeepsItsRecord() throws Exception {
        Path data = dir.resolve("data");
        Outcome outcome = run("sqlite", data, List.of("--store", "sqlite"), Map.of());
        try (Store store = SqliteStore.open(data.resolve("dpsemu.db"))) {
            verify(outcome, store);
        }
    }

    @Test
    void postgres_whenKilledBySigkillDuringRegistrationStorm_thenEveryAssignedDeviceKeepsItsRecord() throws Exception {
        PostgresTestDatabase.assumeAvailable();
        String schema = PostgresTestDatabase.createSchema();
        try {
            Outcome outcome = run("postgres", dir.resolve("data"),
                    List.of("--store", "postgres", "--store-url", PostgresTestDatabase.url(schema)),
                    Map.of("DPSEMU_POSTGRES_USER", PostgresTestDatabase.user(),
                            "DPSEMU_POSTGRES_PASSWORD", PostgresTestDatabase.password()));
            try (Store store = PostgresStore.open(PostgresTestDatabase.url(schema), PostgresTestDatabase.user(),
                    PostgresTestDatabase.password(), 2)) {
                verify(outcome, store);
            }
        } finally {
            PostgresTestDatabase.dropSchema(schema);
        }
    }

    // --- the run ---------------------------------------------------------------------------

    private Outcome run(String storeName, Path data, List<String> storeArgs, Map<String, String> storeEnv)
            throws Exception {
        long seed = Long.getLong("dpsemu.crash.seed", new SecureRandom().nextLong());
        Random random = new Random(seed);
        String groupKey = newKey();
        Path seedFile = dir.resolve("seed.yaml");
        Files.writeString(seedFile, """
                enrollmentGroups:
                  - enrollmentGroupId: %s
                    attestation:
                      type: symmetricKey
                      symmetricKey:
                        primaryKey: %s
                """.formatted(GROUP_ID, groupKey));
        int mqttPort = freePort();
        int httpsPort = freePort();
        while (httpsPort == mqttPort) {
            httpsPort = freePort();
        }
        List<String> args = new ArrayList<>(List.of("serve", "--data-dir", data.toString(), "--bind", "127.0.0.1",
                "--mqtt-port", Integer.toString(mqttPort), "--https-port", Integer.toString(httpsPort),
                "--enrollments", seedFile.toString()));
        HUBS.stream().sorted().forEach(hub -> args.addAll(List.of("--hub", hub)));
        args.addAll(storeArgs);
        Map<String, String> env = new java.util.HashMap<>(storeEnv);
        env.put("DPSEMU_PROVISIONING_RETRY_AFTER_SECONDS", "1");
        env.put("DPSEMU_PROVISIONING_MIN_RESPONSE_DELAY_MILLIS", "0");
        // on PostgreSQL, an operation a killed node left assigning is answered 'failed' after this (default 10 s)
        env.put("DPSEMU_PROVISIONING_ABANDONED_OPERATION_SECONDS", Integer.toString(ABANDONED_OPERATION_SECONDS));

        List<CycleStats> cycles = new ArrayList<>();
        long started = System.nanoTime();
        ServerProcess server = ServerProcess.start(args, env, dir.resolve("server-0.log"));
        Path ca = data.resolve("tls").resolve("ca.pem");
        SSLContext tls = DeviceApiConnection.trusting(List.of(ca));
        Storm storm = new Storm(server.idScope(), groupKey, httpsPort, tls, storeName);
        List<String> lookupProblems = new ArrayList<>();
        try {
            storm.start();
            for (int cycle = 1; cycle <= CYCLES; cycle++) {
                long delay = MIN_KILL_DELAY_MILLIS + random.nextInt(MAX_KILL_DELAY_MILLIS - MIN_KILL_DELAY_MILLIS);
                // the random delay counts from this run's first accepted registration, not from its start,
                // so that a slow restart on a loaded machine does not turn kills into kills of an idle server
                storm.awaitProgressInThisRun(NO_PROGRESS);
                Thread.sleep(delay);
                int exchangesInFlight = storm.exchangesInFlight.get();
                int operationsAssigning = storm.operationsAssigning.get();
                server.kill();
                int toldInCycle = storm.told.size() - storm.toldAtCycleStart;
                storm.generation.incrementAndGet();
                cycles.add(new CycleStats(cycle, delay, toldInCycle, exchangesInFlight, operationsAssigning));
                server = ServerProcess.start(args, env, dir.resolve("server-" + cycle + ".log"));
                assertThat(server.idScope()).as("id scope after restart %d", cycle).isEqualTo(storm.idScope);
                storm.toldAtCycleStart = storm.told.size();
                storm.restarted();
            }
            Thread.sleep(500);
            storm.stop();
            lookupProblems.addAll(lookUpSample(storm, httpsPort, tls));
            server.stop();
        } finally {
            storm.stop();
            server.killIfAlive();
        }
        return new Outcome(storeName, seed, cycles, storm, lookupProblems,
                Duration.ofNanos(System.nanoTime() - started));
    }

    /** L1 through the running server: the restarted server reports the assignment the device was told. */
    private static List<String> lookUpSample(Storm storm, int httpsPort, SSLContext tls) throws IOException {
        List<String> problems = new ArrayList<>();
        Map<String, AssignedLedger.Told> toldById = storm.told.told();
        List<String> ids = new ArrayList<>(toldById.keySet());
        Collections.shuffle(ids);
        try (DeviceApiConnection connection = new DeviceApiConnection("127.0.0.1", httpsPort, tls,
                REQUEST_TIMEOUT_MILLIS)) {
            for (String id : ids.subList(0, Math.min(LOOKUP_SAMPLE, ids.size()))) {
                AssignedLedger.Told told = toldById.get(id);
                DeviceRequests device = DeviceRequests.ofGroupMember(storm.idScope, storm.groupKey, id);
                DeviceApiConnection.Response response = connection.exchange("POST", device.lookupTarget(),
                        device.authorization(), device.registerBody());
                JsonNode body = response.status() == 200 ? response.json() : null;
                if (body == null || !told.hub().equals(body.path("assignedHub").asText())
                        || !told.deviceId().equals(body.path("deviceId").asText())) {
                    problems.add(id + ": told " + told + ", status lookup after the last restart answered " + response);
                }
            }
        }
        storm.lookups = Math.min(LOOKUP_SAMPLE, ids.size());
        return problems;
    }

    private static void verify(Outcome outcome, Store store) {
        Storm storm = outcome.storm;
        AssignedLedger.Check check = storm.told.check(store);
        List<String> broken = new ArrayList<>();
        int records = 0;
        String continuation = null;
        do {
            Page<RegistrationRecord> page = store.listRegistrations(null, continuation, 100);
            for (RegistrationRecord record : page.items()) {
                records++;
                if (record.status() != RegistrationStatus.ASSIGNED || !HUBS.contains(record.assignedHub())
                        || record.deviceId() == null || !GROUP_ID.equals(record.enrollmentGroupId())) {
                    broken.add(record.toString());
                }
            }
            continuation = page.continuation();
        } while (continuation != null);

        StringBuilder report = new StringBuilder()
                .append("CrashDurabilityIT[").append(outcome.store).append("]: seed=").append(outcome.seed)
                .append(" (-Ddpsemu.crash.seed=").append(outcome.seed).append(" replays the kill delays), ")
                .append(outcome.cycles.size()).append(" SIGKILL/restart cycles, ").append(CLIENTS)
                .append(" HTTPS clients, ").append(outcome.elapsed.toMillis()).append(" ms\n");
        for (CycleStats cycle : outcome.cycles) {
            report.append("  kill ").append(cycle.cycle).append(" after ").append(cycle.delayMillis)
                    .append(" ms: ").append(cycle.toldInCycle).append(" devices told assigned in this run, ")
                    .append(cycle.exchangesInFlight).append(" requests in flight and ")
                    .append(cycle.operationsAssigning).append(" operations assigning at the kill\n");
        }
        report.append("  lost: ").append(check.lost().size()).append("; changed: ").append(check.changed().size())
                .append("; records in the store: ").append(records).append(" (").append(broken.size())
                .append(" not whole)\n")
                .append("  registers accepted: ").append(storm.accepted.get())
                .append(", polls: ").append(storm.polls.get())
                .append(", polls answered 404 after a restart: ").append(storm.notFoundAfterRestart.get())
                .append(", polls answered 'failed' (abandoned by a killed node): ").append(storm.failedOperations.get())
                .append(", 429/5xx answers: ").append(storm.throttled.get())
                .append(", connection failures: ").append(storm.connectionFailures.get())
                .append(", status lookups after the last restart: ").append(storm.lookups)
                .append(", operations stuck in 'assigning': ").append(storm.stuck.size()).append('\n')
                .append(check.line("CrashDurabilityIT[" + outcome.store + "]")).append('\n');
        System.out.print(report);

        assertThat(check.lost()).as("L1: devices told 'assigned' whose record is gone after SIGKILL\n%s", report)
                .isEmpty();
        assertThat(check.changed()).as("L1: devices told 'assigned' whose record differs\n%s", report).isEmpty();
        assertThat(check.found()).as("records found for the devices told assigned\n%s", report)
                .isEqualTo(check.told());
        assertThat(broken).as("records that are not whole\n%s", report).isEmpty();
        assertThat(outcome.lookupProblems).as("L1: status lookups after the last restart\n%s", report).isEmpty();
        assertThat(storm.stuck).as("L2: operations of a killed server must end in 404 or a final state after the"
                + " restart\n%s", report).isEmpty();
        assertThat(storm.problems).as("unexpected answers during the storm\n%s", report).isEmpty();
        assertThat(records).as("records in the store\n%s", report).isGreaterThanOrEqualTo(storm.told.size());
        assertThat(storm.told.size()).as("the storm must have reached the server\n%s", report)
                .isGreaterThanOrEqualTo(CYCLES);
        assertThat(outcome.cycles.stream().filter(c -> c.exchangesInFlight > 0 || c.operationsAssigning > 0).count())
                .as("kills that hit work in progress\n%s", report).isGreaterThanOrEqualTo(CYCLES / 2);
    }

    // --- the clients -----------------------------------------------------------------------

    private record CycleStats(int cycle, long delayMillis, int toldInCycle, int exchangesInFlight,
            int operationsAssigning) {
    }

    private record Outcome(String store, long seed, List<CycleStats> cycles, Storm storm, List<String> lookupProblems,
            Duration elapsed) {
    }

    /**
     * The client threads. Each registers fresh devices one after another: register, then poll every
     * {@value #POLL_MILLIS} ms until a final answer. A broken connection (the server was killed) is
     * retried, keeping the operation id, until the restarted server answers; a 404 for that operation
     * then starts the registration again.
     */
    private static final class Storm {

        final String idScope;
        final String groupKey;
        final int httpsPort;
        final SSLContext tls;
        final String prefix;
        final AssignedLedger told = new AssignedLedger();
        final List<String> problems = Collections.synchronizedList(new ArrayList<>());
        final List<String> stuck = Collections.synchronizedList(new ArrayList<>());
        final AtomicInteger generation = new AtomicInteger();
        final AtomicInteger exchangesInFlight = new AtomicInteger();
        final AtomicInteger operationsAssigning = new AtomicInteger();
        final AtomicLong accepted = new AtomicLong();
        final AtomicLong polls = new AtomicLong();
        final AtomicLong notFoundAfterRestart = new AtomicLong();
        final AtomicLong failedOperations = new AtomicLong();
        final AtomicLong throttled = new AtomicLong();
        final AtomicLong connectionFailures = new AtomicLong();
        final List<Thread> threads = new ArrayList<>();
        volatile boolean stopping;
        volatile int toldAtCycleStart;
        /** When the server now running became ready, and how many registers had been accepted by then. */
        volatile long runStartedNanos = System.nanoTime();
        volatile long acceptedAtRunStart;
        int lookups;

        Storm(String idScope, String groupKey, int httpsPort, SSLContext tls, String storeName) {
            this.idScope = idScope;
            this.groupKey = groupKey;
            this.httpsPort = httpsPort;
            this.tls = tls;
            this.prefix = "crash-" + storeName;
        }

        void start() {
            for (int i = 0; i < CLIENTS; i++) {
                int client = i;
                Thread thread = new Thread(() -> runClient(client), "crash-client-" + i);
                thread.setDaemon(true);
                threads.add(thread);
                thread.start();
            }
        }

        /** After a restart: the new server run counts from now. */
        void restarted() {
            acceptedAtRunStart = accepted.get();
            runStartedNanos = System.nanoTime();
        }

        /** Waits until the server now running has accepted a registration: the storm reached it. */
        void awaitProgressInThisRun(Duration bound) throws InterruptedException {
            long deadline = System.nanoTime() + bound.toNanos();
            while (accepted.get() == acceptedAtRunStart) {
                if (System.nanoTime() > deadline || !problems.isEmpty()) {
                    fail("the server run " + (generation.get() + 1) + " accepted no registration within "
                            + bound.toSeconds() + " s; problems: " + problems);
                }
                Thread.sleep(10);
            }
        }

        /** Lets every client finish the device it is on (bounded by the device deadline), then joins them. */
        void stop() throws InterruptedException {
            stopping = true;
            long deadline = System.nanoTime() + DEVICE_DEADLINE.plusSeconds(5).toNanos();
            for (Thread thread : threads) {
                thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
                if (thread.isAlive()) {
                    thread.interrupt();
                    problems.add(thread.getName() + " did not stop");
                }
            }
            threads.clear();
        }

        private void runClient(int client) {
            try (DeviceApiConnection connection = new DeviceApiConnection("127.0.0.1", httpsPort, tls,
                    REQUEST_TIMEOUT_MILLIS)) {
                for (int n = 0; !stopping; n++) {
                    provision(connection, prefix + "-" + client + "-" + n);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException | Error e) {
                problems.add(Thread.currentThread().getName() + " failed: " + e);
            }
        }

        private void provision(DeviceApiConnection connection, String id) throws InterruptedException {
            DeviceRequests device = DeviceRequests.ofGroupMember(idScope, groupKey, id);
            long deviceStarted = System.nanoTime();
            String operationId = null;
            int operationGeneration = -1;
            Object lastAnswer = null;
            try {
                while (true) {
                    // a restart is progress: the deadline counts from the later of the device's start and it
                    if (System.nanoTime() - Math.max(deviceStarted, runStartedNanos) > DEVICE_DEADLINE.toNanos()) {
                        if (operationId == null) {
                            problems.add(id + ": no answer to its register within " + DEVICE_DEADLINE.toSeconds()
                                    + " s (last answer: " + lastAnswer + ")");
                            return;
                        }
                        stuck.add(id + ": operation " + operationId + " (registered with server run "
                                + (operationGeneration + 1) + ", now run " + (generation.get() + 1)
                                + ") not finished " + DEVICE_DEADLINE.toSeconds() + " s after the device started"
                                + " or the server last restarted"
                                + " (last answer: " + lastAnswer + ")");
                        return;
                    }
                    if (operationId == null && stopping) {
                        return;
                    }
                    DeviceApiConnection.Response response;
                    try {
                        if (operationId == null) {
                            response = exchange(connection, "PUT", device.registerTarget(), device);
                            if (response.status() == 202) {
                                String started = response.json().path("operationId").asText(null);
                                if (started == null || !"assigning".equals(response.json().path("status").asText())) {
                                    problems.add(id + ": register answered " + response);
                                    return;
                                }
                                operationId = started;
                                operationGeneration = generation.get();
                                accepted.incrementAndGet();
                                operationsAssigning.incrementAndGet();
                            } else if (response.status() == 429 || response.status() >= 500) {
                                throttled.incrementAndGet();
                                Thread.sleep(100);
                            } else {
                                problems.add(id + ": register answered " + response);
                                return;
                            }
                            continue;
                        }
                        Thread.sleep(POLL_MILLIS);
                        response = exchange(connection, "GET", device.operationTarget(operationId), device);
                        polls.incrementAndGet();
                    } catch (IOException e) {
                        // the server is being killed or restarted: try again, same operation
                        lastAnswer = e;
                        connectionFailures.incrementAndGet();
                        Thread.sleep(25);
                        continue;
                    }
                    lastAnswer = response;
                    switch (response.status()) {
                        case 202 -> {
                            // still assigning
                        }
                        case 200 -> {
                            JsonNode body = response.json();
                            String status = body.path("status").asText();
                            JsonNode state = body.path("registrationState");
                            if (status.equals("assigned")) {
                                String hub = state.path("assignedHub").asText(null);
                                String deviceId = state.path("deviceId").asText(null);
                                if (hub == null || deviceId == null
                                        || !id.equals(state.path("registrationId").asText())) {
                                    problems.add(id + ": assigned without hub or device id: " + response);
                                } else {
                                    told.assigned(id, hub, deviceId, "by server run " + (generation.get() + 1));
                                }
                                return;
                            }
                            if (!status.equals("failed")) {
                                problems.add(id + ": poll answered " + response);
                                return;
                            }
                            if (generation.get() == operationGeneration) {
                                problems.add(id + ": operation failed without a restart: " + response);
                                return;
                            }
                            // abandoned by the killed node (shared operations on PostgreSQL): register again
                            failedOperations.incrementAndGet();
                            operationId = null;
                            operationsAssigning.decrementAndGet();
                            Thread.sleep(50);
                        }
                        case 404 -> {
                            if (generation.get() == operationGeneration) {
                                problems.add(id + ": operation " + operationId + " unknown without a restart: "
                                        + response);
                                return;
                            }
                            // the operation died with the killed server (L2): the device registers again
                            notFoundAfterRestart.incrementAndGet();
                            operationId = null;
                            operationsAssigning.decrementAndGet();
                        }
                        case 429, 500, 503 -> {
                            throttled.incrementAndGet();
                            Thread.sleep(100);
                        }
                        default -> {
                            problems.add(id + ": poll answered " + response);
                            return;
                        }
                    }
                }
            } finally {
                if (operationId != null) {
                    operationsAssigning.decrementAndGet();
                }
            }
        }

        private DeviceApiConnection.Response exchange(DeviceApiConnection connection, String method, String target,
                DeviceRequests device) throws IOException {
            exchangesInFlight.incrementAndGet();
            try {
                return connection.exchange(method, target, device.authorization(),
                        method.equals("GET") ? null : device.registerBody());
            } finally {
                exchangesInFlight.decrementAndGet();
            }
        }
    }

    // --- the server process ----------------------------------------------------------------

    /**
     * {@code dpsemu serve} in a child JVM (this JVM's java and class path), with its output in a log
     * file; started when its "dpsemu ready" line appears, however long a loaded machine takes, as
     * long as the log keeps growing.
     */
    private static final class ServerProcess {

        private static final Pattern READY = Pattern.compile("dpsemu ready: idScope=(\\S+)");
        private static final int START_ATTEMPTS = 3;

        private final Process process;
        private final Path log;
        private final String idScope;

        private ServerProcess(Process process, Path log, String idScope) {
            this.process = process;
            this.log = log;
            this.idScope = idScope;
        }

        static ServerProcess start(List<String> args, Map<String, String> env, Path log) throws Exception {
            List<String> command = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                    // the server's own logging, not the tests' (which hides the ready line)
                    "-Dlogback.configurationFile=logback.xml",
                    "-cp", System.getProperty("java.class.path"),
                    DpsemuCommand.class.getName()));
            command.addAll(args);
            for (int attempt = 1; ; attempt++) {
                Path attemptLog = attempt == 1 ? log : log.resolveSibling(log.getFileName() + "." + attempt);
                ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                        .redirectOutput(attemptLog.toFile());
                // only this test's settings: a DPSEMU_ variable of the environment running the tests must not leak in
                builder.environment().keySet().removeIf(k -> k.startsWith("DPSEMU_") && !k.startsWith("DPSEMU_TEST_"));
                builder.environment().putAll(env);
                Process process = builder.start();
                long lastGrowth = System.nanoTime();
                int logLength = 0;
                while (true) {
                    String output = read(attemptLog);
                    if (output.length() > logLength) {
                        logLength = output.length();
                        lastGrowth = System.nanoTime();
                    }
                    Matcher ready = READY.matcher(output);
                    if (ready.find()) {
                        return new ServerProcess(process, attemptLog, ready.group(1));
                    }
                    if (!process.isAlive()) {
                        // the port of the killed server may not be free at once
                        if (output.contains("cannot listen") && attempt < START_ATTEMPTS) {
                            Thread.sleep(500);
                            break;
                        }
                        fail("dpsemu exited with " + process.exitValue() + " before it was ready:\n" + tail(output));
                    }
                    if (System.nanoTime() - lastGrowth > START_STALL.toNanos()) {
                        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                        fail("dpsemu not ready, and its log silent for " + START_STALL + ":\n" + tail(output));
                    }
                    Thread.sleep(20);
                }
            }
        }

        String idScope() {
            return idScope;
        }

        /** SIGKILL, and wait until the process is gone. */
        void kill() throws InterruptedException {
            process.destroyForcibly();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                fail("dpsemu survived SIGKILL for 10 s");
            }
        }

        /** SIGTERM: the shutdown hook closes the server and the store. */
        void stop() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                fail("dpsemu did not stop within 20 s of SIGTERM:\n" + tail(read(log)));
            }
        }

        void killIfAlive() throws InterruptedException {
            if (process.isAlive()) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }

        private static String read(Path file) {
            try {
                return Files.exists(file) ? new String(Files.readAllBytes(file), StandardCharsets.UTF_8) : "";
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private static String tail(String output) {
            return output.length() <= 4000 ? output : "..." + output.substring(output.length() - 4000);
        }
    }

    // --- helpers ---------------------------------------------------------------------------

    /** A port free right now on loopback; the server binds it a moment later (and again after each restart). */
    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static String newKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }
}
